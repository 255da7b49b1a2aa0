namespace Outpost.Cloud.Registry;

/// <summary>A product's per-device write rate limit: a token bucket refilled at <paramref name="PerSecond"/>.</summary>
internal sealed record WriteLimit(double PerSecond, int Burst)
{
    /// <summary>Generous: a gateway reporting every second is far below it; a runaway loop is not.</summary>
    public static WriteLimit Default { get; } = new(100, 200);
}
