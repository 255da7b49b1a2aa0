namespace Outpost.Gateway.Apps;

/// <summary>An app's supervisor program after the seed's defaults were merged in.</summary>
/// <param name="SectionName">The section name, <c>program:&lt;APP_NAME&gt;</c>.</param>
/// <param name="Entries">The keys in order: the app's own first, then the defaults it did not set.</param>
/// <param name="IniText">The section rendered as supervisord INI text, ending in a newline.</param>
internal sealed record SupervisedProgram(string SectionName, IReadOnlyList<KeyValuePair<string, string>> Entries, string IniText)
{
    /// <summary>The value of <paramref name="key"/>, or <see langword="null"/>.</summary>
    public string? this[string key] =>
        Entries.FirstOrDefault(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase)).Value;
}
