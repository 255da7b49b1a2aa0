namespace Outpost.Gateway.Queue;

/// <summary>One queued row as read for forwarding; <see cref="ExpiresAtMs"/> is null when the value has no TTL.</summary>
internal readonly record struct StoredRow(long Sequence, string DeviceKey, string Alias, long CapturedAtMs, string Value, long? ExpiresAtMs, int Bytes);
