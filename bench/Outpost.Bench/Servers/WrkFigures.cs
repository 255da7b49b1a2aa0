namespace Outpost.Bench.Servers;

/// <summary>What one wrk run reported: requests/s, latency percentiles, and non-2xx responses plus socket errors.</summary>
internal sealed record WrkFigures(double PerSecond, double P50Ms, double P99Ms, long Failed);
