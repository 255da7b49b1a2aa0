namespace Outpost.Gateway.Queue;

/// <summary>The dead letters of one device for one reason, as <c>gwe gmq dead-letters</c> lists them.</summary>
/// <param name="DeviceKey">Whose values they are.</param>
/// <param name="Reason">Why they were set aside, e.g. <c>cik rejected (401)</c>.</param>
/// <param name="Count">How many values.</param>
/// <param name="Bytes">Their size as counted against <c>max_bytes</c> when they were queued.</param>
/// <param name="OldestCapturedAtMs">The earliest capture timestamp among them.</param>
/// <param name="DeadLetteredAtMs">When they were last set aside, epoch milliseconds.</param>
internal sealed record DeadLetterSummary(string DeviceKey, string Reason, long Count, long Bytes, long OldestCapturedAtMs, long DeadLetteredAtMs);
