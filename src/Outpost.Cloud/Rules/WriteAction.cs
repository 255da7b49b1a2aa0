namespace Outpost.Cloud.Rules;

/// <summary>
/// Writes <paramref name="Value"/> (a template) to <paramref name="Alias"/> of the device that fired, or of
/// <paramref name="Serial"/> in the same product; in a state rule on <paramref name="OnClear"/> it runs when the rule clears instead.
/// </summary>
internal sealed record WriteAction(string Alias, string Value, string? Serial, bool OnClear);
