using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Outpost.Cloud.Rules;

/// <summary>
/// The JSON path subset rules use to reach into JSON values: <c>$</c>, <c>.name</c>, <c>['name']</c>, <c>[n]</c>
/// (negative counts from the end) and a filter <c>[?(@.key=='v')]</c> (<c>==</c> or <c>!=</c>, a string, number,
/// true, false or null; <c>@.a.b</c> reaches deeper) that picks the first matching element. Pure: parsed once at
/// rule creation, then applied to each value.
/// </summary>
internal sealed class JsonPathQuery
{
    private readonly IReadOnlyList<Step> _steps;

    private JsonPathQuery(string text, IReadOnlyList<Step> steps)
    {
        Text = text;
        _steps = steps;
    }

    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong and where.</summary>
    public static bool TryParse(string text, out JsonPathQuery? query, out string error)
    {
        query = null;
        error = string.Empty;
        if (string.IsNullOrEmpty(text) || text[0] != '$')
        {
            error = "must start with $";
            return false;
        }

        var steps = new List<Step>();
        var i = 1;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                var start = ++i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '-'))
                {
                    i++;
                }

                if (i == start)
                {
                    error = $"expected a name after '.' at position {start}";
                    return false;
                }

                steps.Add(new Step(StepKind.Name, text[start..i], 0, null));
                continue;
            }

            if (text[i] != '[')
            {
                error = $"unexpected '{text[i]}' at position {i}";
                return false;
            }

            var close = FindClose(text, i);
            if (close < 0)
            {
                error = $"'[' at position {i} is not closed";
                return false;
            }

            var inner = text[(i + 1)..close].Trim();
            if (inner.Length >= 2 && inner[0] is '\'' or '"' && inner[^1] == inner[0])
            {
                steps.Add(new Step(StepKind.Name, inner[1..^1], 0, null));
            }
            else if (int.TryParse(inner, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
            {
                steps.Add(new Step(StepKind.Index, string.Empty, index, null));
            }
            else if (inner.StartsWith("?(", StringComparison.Ordinal) && inner.EndsWith(')'))
            {
                if (!TryParseFilter(inner[2..^1].Trim(), out var filter, out error))
                {
                    error = $"filter at position {i}: {error}";
                    return false;
                }

                steps.Add(new Step(StepKind.Filter, string.Empty, 0, filter));
            }
            else
            {
                error = $"'[{inner}]' at position {i} must be an index, a quoted name or a filter [?(@.key=='value')]";
                return false;
            }

            i = close + 1;
        }

        query = new JsonPathQuery(text, steps);
        return true;
    }

    /// <summary>The element the path leads to in <paramref name="root"/>, or null when it leads nowhere.</summary>
    public JsonElement? Select(JsonElement root)
    {
        var current = root;
        foreach (var step in _steps)
        {
            if (Apply(current, step) is not { } next)
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    private static JsonElement? Apply(JsonElement current, Step step)
    {
        switch (step.Kind)
        {
            case StepKind.Name:
                return current.ValueKind == JsonValueKind.Object && current.TryGetProperty(step.Name, out var property) ? property : null;
            case StepKind.Index:
                if (current.ValueKind != JsonValueKind.Array)
                {
                    return null;
                }

                var length = current.GetArrayLength();
                var at = step.Index < 0 ? length + step.Index : step.Index;
                return at >= 0 && at < length ? current[at] : null;
            default:
                if (current.ValueKind != JsonValueKind.Array)
                {
                    return null;
                }

                foreach (var item in current.EnumerateArray())
                {
                    if (step.Filter!.Matches(item))
                    {
                        return item;
                    }
                }

                return null;
        }
    }

    private static bool TryParseFilter(string text, out Filter? filter, out string error)
    {
        filter = null;
        error = string.Empty;
        var equals = text.IndexOf("==", StringComparison.Ordinal);
        var notEquals = text.IndexOf("!=", StringComparison.Ordinal);
        var at = equals >= 0 && (notEquals < 0 || equals < notEquals) ? equals : notEquals;
        if (at < 0)
        {
            error = "must compare with == or !=, like @.mount=='/'";
            return false;
        }

        var left = text[..at].Trim();
        var right = text[(at + 2)..].Trim();
        if (!left.StartsWith("@.", StringComparison.Ordinal) || left.Length < 3)
        {
            error = "the left side must be @.key";
            return false;
        }

        var keys = left[2..].Split('.');
        if (keys.Any(k => k.Length == 0))
        {
            error = $"'{left}' has an empty key";
            return false;
        }

        JsonElement literal;
        if (right.Length >= 2 && right[0] == '\'' && right[^1] == '\'')
        {
            literal = JsonSerializer.SerializeToElement(right[1..^1]);
        }
        else
        {
            try
            {
                literal = JsonDocument.Parse(Encoding.UTF8.GetBytes(right)).RootElement.Clone();
            }
            catch (JsonException)
            {
                error = $"'{right}' is not a quoted string, number, true, false or null";
                return false;
            }

            if (literal.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                error = $"'{right}' must be a string, number, true, false or null";
                return false;
            }
        }

        filter = new Filter(keys, literal, at == notEquals);
        return true;
    }

    private static int FindClose(string text, int open)
    {
        char? quote = null;
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c is '[' or '(')
            {
                depth++;
            }
            else if (c is ']' or ')')
            {
                depth--;
                if (depth == 0 && c == ']')
                {
                    return i;
                }
            }
        }

        return -1;
    }

    private enum StepKind
    {
        Name,
        Index,
        Filter,
    }

    private sealed record Step(StepKind Kind, string Name, int Index, Filter? Filter);

    private sealed record Filter(IReadOnlyList<string> Keys, JsonElement Literal, bool Negated)
    {
        public bool Matches(JsonElement item)
        {
            var current = item;
            foreach (var key in Keys)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(key, out current))
                {
                    return Negated;
                }
            }

            return SameValue(current, Literal) != Negated;
        }

        private static bool SameValue(JsonElement a, JsonElement b) => (a.ValueKind, b.ValueKind) switch
        {
            (JsonValueKind.Number, JsonValueKind.Number) => a.GetDouble() == b.GetDouble(),
            (JsonValueKind.String, JsonValueKind.String) => string.Equals(a.GetString(), b.GetString(), StringComparison.Ordinal),
            _ => a.ValueKind == b.ValueKind && a.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null,
        };
    }
}
