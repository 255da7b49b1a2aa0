namespace Outpost.Gateway.Queue;

/// <summary>A validated <see cref="QueuedValue"/> with its size measured, ready for the writer loop.</summary>
internal readonly record struct PreparedValue(string DeviceKey, string Alias, long CapturedAtMs, string Value, long? TtlMs, int Bytes);
