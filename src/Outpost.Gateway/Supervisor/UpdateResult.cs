namespace Outpost.Gateway.Supervisor;

/// <summary>What <c>update</c> did: programs added, restarted with new settings, and removed.</summary>
/// <param name="Added">New programs.</param>
/// <param name="Changed">Programs whose settings changed (stopped, replaced, started again if autostart).</param>
/// <param name="Removed">Programs no longer configured (stopped and removed).</param>
internal sealed record UpdateResult(IReadOnlyList<string> Added, IReadOnlyList<string> Changed, IReadOnlyList<string> Removed)
{
    /// <summary>Programs that could not be added, one <c>name: ERROR (…)</c> line each (none for a reread).</summary>
    public IReadOnlyList<string> Failed { get; init; } = [];
}
