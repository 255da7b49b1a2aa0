namespace Outpost.Gateway.Supervisor;

/// <summary>The outcome of a supervisor request: done, or one line saying why not (supervisorctl's wording).</summary>
/// <param name="Error">Why the request failed, or <see langword="null"/> on success.</param>
internal sealed record SupervisorResult(string? Error)
{
    /// <summary>Success.</summary>
    public static SupervisorResult Success { get; } = new((string?)null);

    /// <summary>Whether the request succeeded.</summary>
    public bool Ok => Error is null;
}
