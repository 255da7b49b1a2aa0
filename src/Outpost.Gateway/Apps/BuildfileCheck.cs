using System.Runtime.Versioning;
using System.Text.Json;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;
using Outpost.Protocol.Tarballs;

namespace Outpost.Gateway.Apps;

/// <summary>
/// Reads and checks a <see cref="Buildfile"/> (<c>gwe -w</c>, and <c>gwe -y</c> before building) and resolves the
/// files it selects. Like the seed, it finds common problems, not all: the built tarball is checked again.
/// </summary>
[UnsupportedOSPlatform("windows")] // reads Unix modes
internal static class BuildfileCheck
{
    /// <summary>Loads <paramref name="path"/>; on failure returns <see langword="null"/> and one line saying why.</summary>
    public static Buildfile? Load(string path, out string error)
    {
        ArgumentNullException.ThrowIfNull(path);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = TarballChecker.CannotRead(path, ex);
            return null;
        }

        try
        {
            error = string.Empty;
            return JsonSerializer.Deserialize(json, BuildfileJsonContext.Default.Buildfile) ?? throw new JsonException("the buildfile is null");
        }
        catch (JsonException ex)
        {
            error = $"{path}: not a valid buildfile: {ex.Message.ReplaceLineEndings(" ")}";
            return null;
        }
    }

    /// <summary>The problems of <paramref name="buildfile"/>, whose paths are relative to <paramref name="directory"/>.</summary>
    /// <param name="buildfile">The buildfile.</param>
    /// <param name="directory">Its directory.</param>
    /// <param name="checkFiles">
    /// Whether to look at the files too; <c>gwe -y</c> checks them only after <c>pre_build_cmds</c> ran, as those may
    /// generate some.
    /// </param>
    public static IReadOnlyList<string> Problems(Buildfile buildfile, string directory, bool checkFiles = true)
    {
        ArgumentNullException.ThrowIfNull(buildfile);
        var problems = new List<string>();
        if (string.IsNullOrEmpty(buildfile.Name))
        {
            problems.Add("name is missing");
        }
        else if (!TarballName.IsValidName(buildfile.Name, out var e))
        {
            problems.Add($"name: {e}");
        }

        if (string.IsNullOrEmpty(buildfile.Version))
        {
            problems.Add("version is missing");
        }
        else if (!TarballName.IsValidVersion(buildfile.Version, out var e))
        {
            problems.Add($"version: {e}");
        }

        CheckCommands(buildfile.PreBuildCmds, "pre_build_cmds", problems);
        CheckCommands(buildfile.PostBuildCmds, "post_build_cmds", problems);
        if (buildfile.Includes is not { Count: > 0 })
        {
            problems.Add("includes is empty: nothing to pack");
            return problems;
        }

        foreach (var pattern in buildfile.Includes.Concat(buildfile.Excludes ?? []))
        {
            if (string.IsNullOrWhiteSpace(pattern) || pattern.StartsWith('/') || TarballPaths.HasParentSegment(pattern.Split('/')))
            {
                problems.Add($"'{pattern}' must be a relative path inside the build directory");
            }
        }

        if (problems.Count > 0 || !checkFiles)
        {
            return problems;
        }

        // Files made by pre_build_cmds do not exist yet when only checking (gwe -w): an unmatched include is then fine.
        foreach (var include in buildfile.PreBuildCmds is { Count: > 0 } ? [] : buildfile.Includes)
        {
            if (Select(directory, [include], buildfile.Excludes ?? [], null).Count == 0)
            {
                problems.Add($"include '{include}' matches no file");
            }
        }

        var files = Select(directory, buildfile.Includes, buildfile.Excludes ?? [], null);
        if (!files.Contains("install.sh"))
        {
            problems.Add("install.sh is not included (it must be at the top of the tarball)");
        }
        else
        {
            var script = Path.Join(directory, "install.sh");
            if ((File.GetUnixFileMode(script) & UnixFileMode.UserExecute) == 0)
            {
                problems.Add("install.sh is not executable (chmod +x install.sh)");
            }

            using var stream = File.OpenRead(script);
            if (stream.ReadByte() != '#' || stream.ReadByte() != '!')
            {
                problems.Add("install.sh does not start with a #! line");
            }
        }

        if (files.Contains("supervisor.conf") && !SupervisorConfMerge.TryMerge(File.ReadAllText(Path.Join(directory, "supervisor.conf")), buildfile.Name!, "/var/log", out _, out var confError))
        {
            problems.Add(confError);
        }

        return problems;
    }

    /// <summary>
    /// The files selected by <paramref name="includes"/> minus <paramref name="excludes"/>, as sorted '/'-separated
    /// paths relative to <paramref name="directory"/>; <paramref name="leaveOut"/> (the tarball being built) never is.
    /// </summary>
    public static IReadOnlyList<string> Select(string directory, IEnumerable<string> includes, IEnumerable<string> excludes, string? leaveOut)
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        foreach (var include in includes)
        {
            // A plain directory name brings its whole tree.
            var trimmed = include.TrimEnd('/');
            matcher.AddInclude(Directory.Exists(Path.Join(directory, trimmed)) ? trimmed + "/**" : trimmed);
        }

        foreach (var exclude in excludes)
        {
            var trimmed = exclude.TrimEnd('/');
            matcher.AddExclude(Directory.Exists(Path.Join(directory, trimmed)) ? trimmed + "/**" : trimmed);
        }

        if (leaveOut is not null)
        {
            matcher.AddExclude(leaveOut);
        }

        var result = matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(directory)));
        return [.. result.Files.Select(f => f.Path.Replace('\\', '/')).Distinct().Order(StringComparer.Ordinal)];
    }

    private static void CheckCommands(IReadOnlyList<string>? commands, string key, List<string> problems)
    {
        if (commands is not null && commands.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add($"{key} holds an empty command");
        }
    }
}
