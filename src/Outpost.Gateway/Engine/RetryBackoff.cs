namespace Outpost.Gateway.Engine;

/// <summary>
/// How a loop that cannot reach the cloud waits before its next attempt: exponential from <paramref name="Base"/>,
/// capped at <paramref name="Max"/>, with jitter (50–100 % of the step) so gateways that lost the cloud together do not
/// return in step. One policy for the gateway's links: GMQ's forwarder (<c>[gmq] backoff_base/backoff_max</c>) and the
/// engine's long polls (<c>[engine] backoff_max</c>); each caller counts its own failures and resets on success.
/// </summary>
internal readonly record struct RetryBackoff(TimeSpan Base, TimeSpan Max)
{
    /// <summary>The wait after <paramref name="failures"/> failures in a row (1 = the first).</summary>
    public TimeSpan Delay(int failures)
    {
        var exponent = Math.Clamp(failures - 1, 0, 30);
        var ceiling = Math.Min(Max.TotalMilliseconds, Base.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }
}
