namespace Outpost.Gateway.Supervisor.Config;

/// <summary>One <c>[name]</c> section of a supervisord-style INI file, keys lower-cased, in file order.</summary>
/// <param name="Name">The section name as written, e.g. <c>program:test_app</c>.</param>
/// <param name="Line">The 1-based line of the section header, for error messages.</param>
/// <param name="Entries">The key/value pairs in file order; keys are lower-case.</param>
/// <param name="KeyLines">The 1-based line of each key (lower-case), for error messages that point at the value.</param>
internal sealed record IniSection(string Name, int Line, IReadOnlyList<KeyValuePair<string, string>> Entries, IReadOnlyDictionary<string, int>? KeyLines = null)
{
    /// <summary>The line of <paramref name="key"/>, or the section header's line when it is not known.</summary>
    public int LineOf(string key) => KeyLines is not null && KeyLines.TryGetValue(key.ToLowerInvariant(), out var line) ? line : Line;

    /// <summary>The value of <paramref name="key"/> (case-insensitive), or <see langword="null"/>.</summary>
    public string? this[string key]
    {
        get
        {
            foreach (var (k, v) in Entries)
            {
                if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
                {
                    return v;
                }
            }

            return null;
        }
    }
}
