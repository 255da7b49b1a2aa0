namespace Outpost.Gateway.Control;

/// <summary>The answer to <c>GET /v1/status</c>.</summary>
/// <param name="Programs">The lines, sorted by name as supervisorctl sorts them.</param>
internal sealed record StatusReply(IReadOnlyList<StatusEntry> Programs);
