namespace Outpost.Gateway.Supervisor.Config;

/// <summary>
/// A parsed supervisord-style INI file: the syntax of Python's RawConfigParser as supervisord uses it.
/// </summary>
/// <remarks>
/// Pure: text in, sections or an error out. Rules followed: <c>[section]</c> headers; <c>key = value</c> or
/// <c>key: value</c>; whole-line comments starting with <c>;</c> or <c>#</c>; inline comments only where <c>;</c>
/// follows white space (so <c>command=echo a;b</c> keeps its semicolon); indented lines continue the previous value
/// (joined with a newline); keys are case-insensitive; a key repeated in a section or a section repeated is an error,
/// as in Python 3's strict parser. Interpolation (<c>%(here)s</c> …) is left to the reader of each section.
/// </remarks>
internal sealed class IniDocument
{
    private IniDocument(IReadOnlyList<IniSection> sections) => Sections = sections;

    /// <summary>The sections in file order.</summary>
    public IReadOnlyList<IniSection> Sections { get; }

    /// <summary>Parses <paramref name="text"/>; on failure returns <see langword="false"/> and a one-line error naming the line.</summary>
    public static bool TryParse(string text, out IniDocument document, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sections = new List<IniSection>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        string? currentName = null;
        var currentLine = 0;
        List<KeyValuePair<string, string>>? entries = null;
        Dictionary<string, int>? keys = null;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        document = new IniDocument([]);
        error = string.Empty;

        for (var i = 0; i < lines.Length; i++)
        {
            var lineNo = i + 1;
            var raw = lines[i];
            var trimmed = raw.Trim();
            if (trimmed.Length == 0 || trimmed[0] is ';' or '#')
            {
                continue;
            }

            // An indented line continues the previous value.
            if (char.IsWhiteSpace(raw[0]) && entries is { Count: > 0 })
            {
                var (lastKey, lastValue) = entries[^1];
                var more = StripInlineComment(trimmed);
                entries[^1] = new(lastKey, lastValue.Length == 0 ? more : lastValue + "\n" + more);
                continue;
            }

            if (trimmed[0] == '[')
            {
                // supervisord's own sample file writes "[inet_http_server] ; comment": strip it before the shape check.
                trimmed = StripInlineComment(trimmed);
                if (trimmed[^1] != ']' || trimmed.Length < 3)
                {
                    error = $"line {lineNo}: a section header must look like [name]";
                    return false;
                }

                Flush();
                currentName = trimmed[1..^1].Trim();
                currentLine = lineNo;
                if (currentName.Length == 0)
                {
                    error = $"line {lineNo}: a section header must look like [name]";
                    return false;
                }

                if (!names.Add(currentName))
                {
                    error = $"line {lineNo}: section [{currentName}] appears twice";
                    return false;
                }

                entries = [];
                keys = new Dictionary<string, int>(StringComparer.Ordinal);
                continue;
            }

            if (entries is null || keys is null)
            {
                error = $"line {lineNo}: '{Shorten(trimmed)}' comes before any [section]";
                return false;
            }

            var split = trimmed.IndexOfAny(['=', ':']);
            if (split <= 0)
            {
                error = $"line {lineNo}: expected 'key = value', got '{Shorten(trimmed)}'";
                return false;
            }

            var key = trimmed[..split].Trim().ToLowerInvariant();
            var value = StripInlineComment(trimmed[(split + 1)..].Trim());
            if (!keys.TryAdd(key, lineNo))
            {
                error = $"line {lineNo}: key '{key}' appears twice in [{currentName}]";
                return false;
            }

            entries.Add(new(key, value));
        }

        Flush();
        document = new IniDocument(sections);
        return true;

        void Flush()
        {
            if (currentName is not null && entries is not null)
            {
                sections.Add(new IniSection(currentName, currentLine, entries, keys));
            }
        }
    }

    /// <summary>The section named <paramref name="name"/>, or <see langword="null"/>.</summary>
    public IniSection? Find(string name) =>
        Sections.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));

    private static string StripInlineComment(string value)
    {
        for (var i = 1; i < value.Length; i++)
        {
            if (value[i] == ';' && char.IsWhiteSpace(value[i - 1]))
            {
                return value[..i].TrimEnd();
            }
        }

        return value;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
