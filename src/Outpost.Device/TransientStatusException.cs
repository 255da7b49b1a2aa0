namespace Outpost.Device;

/// <summary>
/// A 5xx or 429 answer, thrown inside one attempt so the retry pipeline treats it like a network error; never leaves
/// the client (it becomes a <see cref="DeviceApiException"/> once retries are spent).
/// </summary>
internal sealed class TransientStatusException(int statusCode, TimeSpan? retryAfter)
    : Exception($"the server answered {statusCode}")
{
    public int StatusCode { get; } = statusCode;

    /// <summary>The server's <c>Retry-After</c>, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
