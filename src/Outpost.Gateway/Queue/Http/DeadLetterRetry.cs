namespace Outpost.Gateway.Queue.Http;

/// <summary>The body of <c>POST /dead-letters/retry</c>: how many dead letters went back into the queue.</summary>
internal sealed record DeadLetterRetry(long Requeued);
