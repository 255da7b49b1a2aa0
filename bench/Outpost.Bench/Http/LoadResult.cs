namespace Outpost.Bench.Http;

/// <summary>What one load phase measured: requests answered 2xx inside the window, failures, and latency percentiles.</summary>
internal sealed record LoadResult(long Acknowledged, long Failed, TimeSpan Window, double P50Ms, double P99Ms, string? FirstFailure)
{
    public double PerSecond => Acknowledged / Window.TotalSeconds;
}
