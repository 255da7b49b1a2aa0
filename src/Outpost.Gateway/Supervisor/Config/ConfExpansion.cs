using System.Globalization;
using System.Text;

namespace Outpost.Gateway.Supervisor.Config;

/// <summary>supervisord's <c>%(name)s</c> expansion of option values, over a fixed set of names.</summary>
/// <remarks>
/// Python %-formatting as supervisord uses it: <c>%(name)s</c>, <c>%(name)d</c> with an optional zero-padded width
/// (<c>%(process_num)02d</c>), and <c>%%</c> for a literal percent sign. Any other use of <c>%</c> is an error, as in Python.
/// </remarks>
internal static class ConfExpansion
{
    /// <summary>Expands <paramref name="value"/>; on failure returns <see langword="false"/> and a one-line reason.</summary>
    public static bool TryExpand(string value, IReadOnlyDictionary<string, string> names, out string expanded, out string error)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(names);
        expanded = value;
        error = string.Empty;
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return true;
        }

        var sb = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c != '%')
            {
                sb.Append(c);
                i++;
                continue;
            }

            if (i + 1 < value.Length && value[i + 1] == '%')
            {
                sb.Append('%');
                i += 2;
                continue;
            }

            if (i + 1 >= value.Length || value[i + 1] != '(')
            {
                error = $"a lone '%' at position {i + 1} (write %% for a percent sign)";
                return false;
            }

            var close = value.IndexOf(')', i + 2);
            if (close < 0)
            {
                error = $"'%(' at position {i + 1} is never closed";
                return false;
            }

            var name = value[(i + 2)..close];
            var j = close + 1;
            var widthStart = j;
            while (j < value.Length && char.IsAsciiDigit(value[j]))
            {
                j++;
            }

            var width = value[widthStart..j];
            if (j >= value.Length || value[j] is not ('s' or 'd'))
            {
                error = $"'%({name})' must be followed by s or d";
                return false;
            }

            if (!names.TryGetValue(name, out var replacement))
            {
                var available = string.Join(", ", names.Keys.Where(k => !k.StartsWith("ENV_", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
                error = $"'%({name})s' names nothing that can be expanded (available: {available}, ENV_<variable>)";
                return false;
            }

            if (value[j] == 'd')
            {
                if (!long.TryParse(replacement, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    error = $"'%({name})d' needs a number but {name} is '{replacement}'";
                    return false;
                }

                replacement = width.Length == 0
                    ? number.ToString(CultureInfo.InvariantCulture)
                    : number.ToString(CultureInfo.InvariantCulture).PadLeft(int.Parse(width, CultureInfo.InvariantCulture), width[0] == '0' ? '0' : ' ');
            }
            else if (width.Length > 0)
            {
                replacement = replacement.PadLeft(int.Parse(width, CultureInfo.InvariantCulture));
            }

            sb.Append(replacement);
            i = j + 1;
        }

        expanded = sb.ToString();
        return true;
    }
}
