using System.Text;

namespace Outpost.Gateway.Supervisor.Config;

/// <summary>Parses supervisord's <c>environment</c> value: <c>KEY="val",KEY2=val2</c>.</summary>
/// <remarks>
/// Pairs are separated by commas; white space and newlines around them are ignored, so the value may span continuation
/// lines. A value is either quoted with <c>"</c> or <c>'</c> (taken literally, commas and spaces included) or a bare run
/// up to the next comma. A bare value with white space inside is rejected rather than silently cut, because supervisord
/// would drop the rest of it.
/// </remarks>
internal static class EnvironmentList
{
    /// <summary>Parses <paramref name="value"/> into ordered pairs; on failure returns <see langword="false"/> and a reason.</summary>
    public static bool TryParse(string value, out IReadOnlyDictionary<string, string> variables, out string error)
    {
        ArgumentNullException.ThrowIfNull(value);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        variables = result;
        error = string.Empty;
        var i = 0;
        while (true)
        {
            SkipSpace(value, ref i);
            if (i >= value.Length)
            {
                return true;
            }

            var keyStart = i;
            while (i < value.Length && value[i] is not ('=' or ',' or '"' or '\'') && !char.IsWhiteSpace(value[i]))
            {
                i++;
            }

            var key = value[keyStart..i];
            SkipSpace(value, ref i);
            if (key.Length == 0 || i >= value.Length || value[i] != '=')
            {
                error = $"expected KEY=value at position {keyStart + 1}";
                return false;
            }

            i++;
            SkipSpace(value, ref i);
            if (i >= value.Length)
            {
                error = $"'{key}=' has no value (write {key}=\"\" for an empty one)";
                return false;
            }

            string val;
            if (value[i] is '"' or '\'')
            {
                var q = value[i];
                var end = value.IndexOf(q, i + 1);
                if (end < 0)
                {
                    error = $"the value of {key} has no closing {q}";
                    return false;
                }

                val = value[(i + 1)..end];
                i = end + 1;
            }
            else
            {
                var sb = new StringBuilder();
                while (i < value.Length && value[i] != ',')
                {
                    sb.Append(value[i++]);
                }

                val = sb.ToString().TrimEnd();
                if (val.Any(char.IsWhiteSpace))
                {
                    error = $"the value of {key} contains white space; put it in quotes";
                    return false;
                }
            }

            result[key] = val;
            SkipSpace(value, ref i);
            if (i < value.Length)
            {
                if (value[i] != ',')
                {
                    error = $"expected ',' after the value of {key}";
                    return false;
                }

                i++;
            }
        }
    }

    private static void SkipSpace(string s, ref int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }
    }
}
