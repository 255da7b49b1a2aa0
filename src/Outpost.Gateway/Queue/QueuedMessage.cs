namespace Outpost.Gateway.Queue;

/// <summary>A queued value as the forwarder sees it: a value plus the message id the cloud deduplicates on.</summary>
/// <param name="MessageId">Unique and stable across restarts and dead-letter retries.</param>
/// <param name="DeviceKey">Whose value it is.</param>
/// <param name="Alias">The alias written.</param>
/// <param name="CapturedAtMs">Capture timestamp, epoch milliseconds.</param>
/// <param name="Value">The value, exactly as enqueued.</param>
/// <param name="Bytes">The bytes it counts against <c>max_bytes</c> and a batch's byte budget.</param>
internal sealed record QueuedMessage(string MessageId, string DeviceKey, string Alias, long CapturedAtMs, string Value, int Bytes);
