namespace Outpost.Protocol.Tarballs;

/// <summary>
/// The name of an app tarball, <c>NAME.vVERSION.tar.gz</c> (seed 002): parsed by gwe before every install and by
/// <c>gwe -z</c>, formatted by <c>gwe -y</c>, and used by the cloud and the rollout engine to tell apps and versions apart.
/// </summary>
/// <remarks>
/// NAME holds ASCII letters, digits, <c>_</c> and <c>-</c> (no dot, so the first <c>.v</c> splits NAME from VERSION);
/// VERSION holds ASCII letters, digits, <c>_</c>, <c>-</c> and <c>.</c>. Both name directories on the gateway
/// (<c>apps/NAME/VERSION/</c>), so a VERSION may not start or end with a dot nor hold <c>..</c>: <c>.</c> and <c>..</c>
/// must never become a slot. Matching is case-sensitive, as file names on the gateway are.
/// </remarks>
/// <param name="Name">The app name, e.g. <c>test_app</c>.</param>
/// <param name="Version">The app version, e.g. <c>1</c> or <c>1.2.0-rc1</c>.</param>
public sealed record TarballName(string Name, string Version)
{
    /// <summary>The required file-name suffix.</summary>
    public const string Suffix = ".tar.gz";

    /// <summary>The longest NAME or VERSION accepted; keeps slot paths and supervisor program names sane.</summary>
    public const int MaxPartLength = 100;

    /// <summary>The file name, <c>NAME.vVERSION.tar.gz</c>.</summary>
    public string FileName => $"{Name}.v{Version}{Suffix}";

    /// <inheritdoc />
    public override string ToString() => FileName;

    /// <summary>
    /// Parses a bare file name (no directory part) such as <c>test_app.v1.tar.gz</c>.
    /// On failure returns <see langword="false"/>, a <see langword="null"/> name and a one-line reason.
    /// </summary>
    public static bool TryParse(string fileName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TarballName? name, out string error)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        name = null;
        if (!fileName.EndsWith(Suffix, StringComparison.Ordinal))
        {
            error = $"tarball name '{fileName}' must end in {Suffix} (NAME.vVERSION.tar.gz)";
            return false;
        }

        var stem = fileName[..^Suffix.Length];
        var dotV = stem.IndexOf(".v", StringComparison.Ordinal);
        var firstDot = stem.IndexOf('.', StringComparison.Ordinal);
        if (dotV < 0 || firstDot != dotV)
        {
            error = $"tarball name '{fileName}' must look like NAME.vVERSION.tar.gz (NAME without dots)";
            return false;
        }

        var parsed = new TarballName(stem[..dotV], stem[(dotV + 2)..]);
        if (!IsValidName(parsed.Name, out error) || !IsValidVersion(parsed.Version, out error))
        {
            error = $"tarball name '{fileName}': {error}";
            return false;
        }

        name = parsed;
        error = string.Empty;
        return true;
    }

    /// <summary>Parses <paramref name="fileName"/> or throws <see cref="FormatException"/> with the reason.</summary>
    public static TarballName Parse(string fileName) =>
        TryParse(fileName, out var name, out var error) ? name : throw new FormatException(error);

    /// <summary>Builds a name from its parts, validating both; on failure returns <see langword="false"/> and the reason.</summary>
    public static bool TryCreate(string name, string version, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TarballName? tarballName, out string error)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(version);
        tarballName = null;
        if (!IsValidName(name, out error) || !IsValidVersion(version, out error))
        {
            return false;
        }

        tarballName = new TarballName(name, version);
        return true;
    }

    /// <summary>Whether <paramref name="name"/> is a valid NAME; if not, <paramref name="error"/> says why.</summary>
    public static bool IsValidName(string name, out string error)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            error = "NAME is empty";
            return false;
        }

        if (name.Length > MaxPartLength)
        {
            error = $"NAME is longer than {MaxPartLength} characters";
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                error = $"NAME '{name}' may hold only letters, digits, '_' and '-' (found '{c}')";
                return false;
            }
        }

        error = string.Empty;
        return true;
    }

    /// <summary>Whether <paramref name="version"/> is a valid VERSION; if not, <paramref name="error"/> says why.</summary>
    public static bool IsValidVersion(string version, out string error)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (version.Length == 0)
        {
            error = "VERSION is empty";
            return false;
        }

        if (version.Length > MaxPartLength)
        {
            error = $"VERSION is longer than {MaxPartLength} characters";
            return false;
        }

        foreach (var c in version)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                error = $"VERSION '{version}' may hold only letters, digits, '_', '-' and '.' (found '{c}')";
                return false;
            }
        }

        // The version names a directory: '.', '..' or a hidden name must never become a slot.
        if (version[0] == '.' || version[^1] == '.' || version.Contains("..", StringComparison.Ordinal))
        {
            error = $"VERSION '{version}' may not start or end with '.' nor contain '..'";
            return false;
        }

        error = string.Empty;
        return true;
    }
}
