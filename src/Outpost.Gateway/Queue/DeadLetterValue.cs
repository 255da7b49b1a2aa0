namespace Outpost.Gateway.Queue;

/// <summary>One dead letter, as <c>gwe gmq dead-letters DEVICE</c> lists it (the value itself is not shown).</summary>
/// <param name="MessageId">Its message id: what <c>gwe gmq retry --id</c> and <c>gwe gmq purge --id</c> take.</param>
/// <param name="DeviceKey">Whose value it is.</param>
/// <param name="Alias">The alias it was written to.</param>
/// <param name="CapturedAtMs">Its capture timestamp, epoch milliseconds.</param>
/// <param name="Bytes">Its size as counted against <c>max_bytes</c> when it was queued.</param>
/// <param name="Reason">Why it was set aside.</param>
/// <param name="DeadLetteredAtMs">When it was set aside, epoch milliseconds.</param>
internal sealed record DeadLetterValue(string MessageId, string DeviceKey, string Alias, long CapturedAtMs, long Bytes, string Reason, long DeadLetteredAtMs);
