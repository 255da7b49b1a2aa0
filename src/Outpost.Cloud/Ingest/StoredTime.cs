namespace Outpost.Cloud.Ingest;

/// <summary>
/// A stored timestamp (epoch milliseconds) as a time, for answers, rules and command spacing. The write path refuses
/// timestamps far ahead of the clock, but a database written before it did may hold one past year 9999, which
/// <see cref="DateTimeOffset"/> cannot hold: it is clamped to the range, so it reads as the last instant of 9999
/// instead of failing every read of the device's values (and every retry of the rules consumer). Pure.
/// </summary>
internal static class StoredTime
{
    /// <summary>0001-01-01T00:00:00Z, the first instant a <see cref="DateTimeOffset"/> holds, in epoch milliseconds.</summary>
    public const long MinMs = -62_135_596_800_000;

    /// <summary>9999-12-31T23:59:59.999Z, the last instant a <see cref="DateTimeOffset"/> holds, in epoch milliseconds.</summary>
    public const long MaxMs = 253_402_300_799_999;

    public static DateTimeOffset Of(long epochMs) => DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(epochMs, MinMs, MaxMs));
}
