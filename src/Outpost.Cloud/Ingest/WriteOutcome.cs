namespace Outpost.Cloud.Ingest;

/// <summary>The outcome of a write: committed (with the points actually stored), or rejected with a status and reason.</summary>
internal sealed record WriteOutcome(int Status, string? Error, IReadOnlyList<ValuePoint> Stored)
{
    public bool Ok => Error is null;

    /// <summary>For a refusal caused by one point: its index in the write.</summary>
    public int? RefusedPoint { get; init; }

    /// <summary>Whether that refusal concerns every value of its alias (not defined, not settable), not only this value.</summary>
    public bool RefusedAliasWide { get; init; }

    public static WriteOutcome Rejected(int status, string error) => new(status, error, []);

    public static WriteOutcome RejectedPoint(int status, string error, int point, bool aliasWide) =>
        new(status, error, []) { RefusedPoint = point, RefusedAliasWide = aliasWide };
}
