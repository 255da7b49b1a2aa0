namespace Outpost.Gateway.Release;

/// <summary>
/// A Semantic Versioning 2.0.0 version (<c>MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]</c>), ordered by semver precedence:
/// the release areas of <c>gwe --download-latest</c> pick "the newest" with it, so <c>0.10.0</c> is newer than
/// <c>0.9.0</c> and <c>1.0.0-rc.2</c> older than <c>1.0.0</c> (string order gets both wrong).
/// </summary>
/// <remarks>
/// Precedence (semver.org §11): the three numbers compare numerically; a version without a prerelease is newer than
/// the same numbers with one; prerelease identifiers compare left to right — numeric ones numerically, others in ASCII
/// order, a numeric one older than a non-numeric one, and a longer list newer when all before are equal. Build metadata
/// takes no part (<see cref="CompareTo"/> is 0 for <c>1.0.0+a</c> and <c>1.0.0+b</c>).
/// </remarks>
internal sealed class ReleaseVersion : IComparable<ReleaseVersion>
{
    // The three numbers as digit strings (no leading zeros), compared by length then digits: no overflow on huge ones.
    private readonly string[] _core;

    private ReleaseVersion(string text, string[] core, string[] prerelease, string build)
    {
        Text = text;
        _core = core;
        Prerelease = prerelease;
        Build = build;
    }

    /// <summary>The version as written.</summary>
    public string Text { get; }

    /// <summary>The prerelease identifiers (empty for a stable release).</summary>
    public IReadOnlyList<string> Prerelease { get; }

    /// <summary>The build metadata after <c>+</c>, or empty.</summary>
    public string Build { get; }

    /// <summary>True for a prerelease (<c>1.0.0-rc.1</c>).</summary>
    public bool IsPrerelease => Prerelease.Count > 0;

    /// <summary>Parses <paramref name="text"/>; null when it is not a semver 2.0.0 version.</summary>
    public static ReleaseVersion? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var plus = text.IndexOf('+', StringComparison.Ordinal);
        var build = plus < 0 ? string.Empty : text[(plus + 1)..];
        var rest = plus < 0 ? text : text[..plus];
        if (plus >= 0 && !build.Split('.').All(IsIdentifier))
        {
            return null;
        }

        var dash = rest.IndexOf('-', StringComparison.Ordinal);
        var core = (dash < 0 ? rest : rest[..dash]).Split('.');
        var prerelease = dash < 0 ? [] : rest[(dash + 1)..].Split('.');
        if (core.Length != 3 || !core.All(IsNumber))
        {
            return null;
        }

        if (!prerelease.All(p => IsIdentifier(p) && (!p.All(char.IsAsciiDigit) || IsNumber(p))))
        {
            return null;
        }

        return new ReleaseVersion(text, core, prerelease, build);
    }

    /// <inheritdoc />
    public int CompareTo(ReleaseVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        for (var i = 0; i < 3; i++)
        {
            if (CompareNumbers(_core[i], other._core[i]) is var c and not 0)
            {
                return c;
            }
        }

        // A release is newer than its prereleases.
        if (IsPrerelease != other.IsPrerelease)
        {
            return IsPrerelease ? -1 : 1;
        }

        for (var i = 0; i < Math.Min(Prerelease.Count, other.Prerelease.Count); i++)
        {
            if (CompareIdentifiers(Prerelease[i], other.Prerelease[i]) is var c and not 0)
            {
                return c;
            }
        }

        return Prerelease.Count.CompareTo(other.Prerelease.Count);
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static int CompareIdentifiers(string a, string b)
    {
        var aNumeric = a.All(char.IsAsciiDigit);
        var bNumeric = b.All(char.IsAsciiDigit);
        return (aNumeric, bNumeric) switch
        {
            (true, true) => CompareNumbers(a, b),
            (true, false) => -1,
            (false, true) => 1,
            _ => Math.Sign(string.CompareOrdinal(a, b)),
        };
    }

    // Both are digit strings without leading zeros: the longer is the larger; same length compares digit by digit.
    private static int CompareNumbers(string a, string b) =>
        a.Length != b.Length ? a.Length.CompareTo(b.Length) : Math.Sign(string.CompareOrdinal(a, b));

    // Digits without a leading zero (semver §2); any length, since they are compared as digit strings.
    private static bool IsNumber(string s) => s.Length > 0 && s.All(char.IsAsciiDigit) && (s.Length == 1 || s[0] != '0');

    private static bool IsIdentifier(string s) => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
