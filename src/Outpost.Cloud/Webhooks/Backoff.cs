namespace Outpost.Cloud.Webhooks;

/// <summary>Exponential backoff between webhook attempts: first, 2×, 4×… capped at ten minutes.</summary>
internal static class Backoff
{
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(10);

    /// <summary>The wait after failed attempt number <paramref name="attempts"/> (1-based).</summary>
    public static TimeSpan After(TimeSpan first, int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var wait = first * factor;
        return wait > Cap ? Cap : wait;
    }
}
