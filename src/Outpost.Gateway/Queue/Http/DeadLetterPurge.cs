namespace Outpost.Gateway.Queue.Http;

/// <summary>The body of <c>POST /dead-letters/purge</c>: how many dead letters (and bytes) were removed for good.</summary>
internal sealed record DeadLetterPurge(long Purged, long Bytes);
