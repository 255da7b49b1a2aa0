namespace Outpost.Gateway.Queue;

/// <summary>What the queue's in-memory accounting needs to know about a row that left the queue table.</summary>
internal readonly record struct RemovedRow(long Sequence, string DeviceKey, int Bytes);
