namespace Outpost.Cloud.Ingest;

/// <summary>The outcome of a write: committed (with the points actually stored), or rejected with a status and reason.</summary>
internal sealed record WriteOutcome(int Status, string? Error, IReadOnlyList<ValuePoint> Stored)
{
    public bool Ok => Error is null;

    public static WriteOutcome Rejected(int status, string error) => new(status, error, []);
}
