using System.Text.Json;
using Outpost.Protocol.Tarballs;

namespace Outpost.Gateway.Apps;

/// <summary>The starter buildfile <c>gwe -x</c> writes into an app's directory.</summary>
internal static class BuildfileTemplate
{
    /// <summary>
    /// A buildfile for the app in <paramref name="directory"/>: NAME from <paramref name="name"/>, else the directory's
    /// name when valid, else <c>my_app</c>; VERSION from <paramref name="version"/>, else <c>1</c>; includes every
    /// visible top-level entry except tarballs and the buildfile itself (or the seed's three files in an empty dir).
    /// </summary>
    public static Buildfile Create(string directory, string? name, string? version)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var dirName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        var includes = Directory.EnumerateFileSystemEntries(directory)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => !n.StartsWith('.') && !n.EndsWith(TarballName.Suffix, StringComparison.Ordinal) && n != Buildfile.DefaultFileName)
            .Order(StringComparer.Ordinal)
            .ToList();
        return new Buildfile
        {
            Name = name ?? (TarballName.IsValidName(dirName, out _) ? dirName : "my_app"),
            Version = version ?? "1",
            Includes = includes.Count > 0 ? includes : ["install.sh", "supervisor.conf"],
            Excludes = ["**/*.pyc", "**/__pycache__/**"],
            PreBuildCmds = [],
            PostBuildCmds = [],
        };
    }

    /// <summary>The buildfile as the JSON text written to disk.</summary>
    public static string ToJson(Buildfile buildfile) => JsonSerializer.Serialize(buildfile, BuildfileJsonContext.Default.Buildfile) + "\n";
}
