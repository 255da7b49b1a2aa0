namespace Outpost.Device;

/// <summary>One timestamped value for <see cref="DeviceClient.RecordAsync"/>.</summary>
/// <param name="Timestamp">When the value was captured (sent as epoch seconds).</param>
/// <param name="Value">The value as text.</param>
public sealed record RecordPoint(DateTimeOffset Timestamp, string Value);
