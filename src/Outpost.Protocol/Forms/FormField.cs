namespace Outpost.Protocol.Forms;

/// <summary>One <c>key=value</c> pair of a form body or query, in the order it came.</summary>
/// <param name="Key">The decoded key.</param>
/// <param name="Value">The decoded value, or <see langword="null"/> when the pair had no <c>=</c> (as in <c>?a&amp;b</c>).</param>
public readonly record struct FormField(string Key, string? Value);
