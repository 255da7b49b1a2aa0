namespace Outpost.Gateway.Queue;

/// <summary>One value an app hands to GMQ, before it gets a message id.</summary>
/// <param name="DeviceKey">Whose value it is: a CIK hash or <c>vendor model serial</c>; the forwarder maps it to credentials.</param>
/// <param name="Alias">The alias written.</param>
/// <param name="CapturedAtMs">Capture timestamp, epoch milliseconds, as the app gave it (or the time GMQ received it).</param>
/// <param name="Value">The value, stored byte-exact; at most <see cref="MessageQueue.MaxValueBytes"/> bytes of UTF-8.</param>
/// <param name="Ttl">Optional time to live, counted from the moment the queue accepts the value.</param>
internal sealed record QueuedValue(string DeviceKey, string Alias, long CapturedAtMs, string Value, TimeSpan? Ttl = null);
