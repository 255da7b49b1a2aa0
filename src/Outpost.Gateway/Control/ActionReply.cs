namespace Outpost.Gateway.Control;

/// <summary>The answer to start/stop/restart: supervisorctl's lines (<c>app: started</c>, <c>app: ERROR (…)</c>).</summary>
/// <param name="Ok">Whether every program did what was asked.</param>
/// <param name="Lines">One line per program and step.</param>
internal sealed record ActionReply(bool Ok, IReadOnlyList<string> Lines);
