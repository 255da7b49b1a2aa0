using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Outpost.Cloud.Registry;

/// <summary>The syntax of the registry's identifiers, checked at every entry point.</summary>
internal static partial class Identifiers
{
    /// <summary>Product ids: 6–32 lowercase letters and digits (they appear as host prefixes <c>pid.example.com</c>).</summary>
    public static bool IsProductId(string? value) => value is not null && ProductIdPattern().IsMatch(value);

    /// <summary>Serial numbers: 1–128 printable ASCII characters, so MACs like <c>AF:14:B9:00:50:2C</c> work.</summary>
    public static bool IsSerial(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 128)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Aliases: 1–64 of letters, digits, <c>_ - .</c>, starting with a letter or digit.</summary>
    public static bool IsAlias(string? value) => value is not null && AliasPattern().IsMatch(value);

    /// <summary>Content ids are file names: 1–128 of letters, digits, <c>_ - .</c>, not starting with a dot.</summary>
    public static bool IsContentId(string? value) => value is not null && ContentIdPattern().IsMatch(value);

    /// <summary>Tag keys: 1–64 of letters, digits, <c>_ - .</c>.</summary>
    public static bool IsTagKey(string? value) => value is not null && TagKeyPattern().IsMatch(value);

    /// <summary>
    /// Names people give products and tokens: 1–100 characters once trimmed, any script, but one line without control
    /// characters (a newline or a NUL in a name breaks every table and log line it appears in).
    /// </summary>
    public static bool IsDisplayName([NotNullWhen(true)] string? value)
    {
        var trimmed = value?.Trim();
        return !string.IsNullOrEmpty(trimmed) && trimmed.Length <= 100 && !trimmed.Any(char.IsControl);
    }

    [GeneratedRegex("^[a-z0-9]{6,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex ProductIdPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex AliasPattern();

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex ContentIdPattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagKeyPattern();
}
