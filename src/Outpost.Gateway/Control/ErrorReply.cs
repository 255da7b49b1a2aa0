namespace Outpost.Gateway.Control;

/// <summary>A refused request: the one line the CLI prints.</summary>
/// <param name="Error">What went wrong, e.g. <c>nosuch: ERROR (no such process)</c>.</param>
internal sealed record ErrorReply(string Error);
