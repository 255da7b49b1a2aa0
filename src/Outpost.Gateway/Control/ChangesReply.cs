namespace Outpost.Gateway.Control;

/// <summary>The answer to <c>reread</c> (what would change) and <c>update</c> (what changed).</summary>
/// <param name="Added">New programs.</param>
/// <param name="Changed">Programs whose settings changed.</param>
/// <param name="Removed">Programs no longer configured.</param>
/// <param name="Failed">Programs <c>update</c> could not add, one <c>name: ERROR (…)</c> line each.</param>
internal sealed record ChangesReply(IReadOnlyList<string> Added, IReadOnlyList<string> Changed, IReadOnlyList<string> Removed, IReadOnlyList<string> Failed);
