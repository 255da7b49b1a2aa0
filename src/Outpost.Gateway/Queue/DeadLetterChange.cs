namespace Outpost.Gateway.Queue;

/// <summary>What a retry or purge of dead letters did: how many values and bytes, or why it did nothing.</summary>
/// <param name="Count">Values requeued or purged.</param>
/// <param name="Bytes">Their size as counted against <c>max_bytes</c> when they were queued.</param>
/// <param name="NotFound">
/// Null when it was carried out; else a one-line reason it changed nothing: a named value is not a dead letter (of the
/// named device), or the named device has none.
/// </param>
/// <param name="DeviceKeys">The devices whose values it requeued or purged (empty when it did nothing).</param>
internal sealed record DeadLetterChange(long Count, long Bytes, string? NotFound = null, IReadOnlyList<string>? DeviceKeys = null);
