namespace Outpost.Cloud;

/// <summary>
/// What a place that takes a duration accepts besides whole numbers with <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c>
/// (see <see cref="DurationText"/>).
/// </summary>
[Flags]
internal enum DurationSyntax
{
    /// <summary>Whole numbers with a unit of s, m, h or d: <c>90s</c>, <c>10m</c>, <c>2h</c>, <c>7d</c>.</summary>
    WholeWithUnit = 0,

    /// <summary>A number without a unit is seconds: <c>600</c>.</summary>
    BareSeconds = 1,

    /// <summary>Decimal fractions: <c>1.5h</c>, <c>0.25s</c>.</summary>
    Fractions = 2,

    /// <summary>Milliseconds as a unit: <c>250ms</c>.</summary>
    Milliseconds = 4,

    /// <summary>No hours or days (the simulator's latencies).</summary>
    UpToMinutes = 8,
}
