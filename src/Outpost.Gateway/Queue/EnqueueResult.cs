namespace Outpost.Gateway.Queue;

/// <summary>What became of one <see cref="MessageQueue.EnqueueAsync"/> call: all values accepted, or none.</summary>
/// <param name="Status">Accepted, or why not.</param>
/// <param name="MessageIds">One id per value, in the caller's order, when accepted; empty otherwise.</param>
/// <param name="Error">A one-line reason when not accepted.</param>
internal sealed record EnqueueResult(EnqueueStatus Status, IReadOnlyList<string> MessageIds, string? Error = null)
{
    public bool IsAccepted => Status == EnqueueStatus.Accepted;

    public static EnqueueResult Refused(EnqueueStatus status, string error) => new(status, [], error);
}
