namespace Outpost.Cli;

/// <summary>
/// Where <c>gwe --download-latest … --output PATH</c> and <c>gdc content get ID -o PATH</c> save a download: an existing
/// directory gets the file under its id; a path ending in <c>/</c> names a directory, which must exist; anything else is
/// the file itself (the SDK creates its directory). Checked before anything is fetched, so <c>-o /missing/</c> is one
/// line naming the directory instead of the framework's "Could not find a part of the path".
/// </summary>
internal static class DownloadDestination
{
    /// <summary>The full path to save <paramref name="id"/> to (at <paramref name="output"/>, default ./ID); null and <paramref name="error"/> for a directory that does not exist.</summary>
    public static string? TryResolve(string? output, string id, out string error)
    {
        error = string.Empty;
        var full = Path.GetFullPath(output ?? Path.GetFileName(id));
        if (Directory.Exists(full))
        {
            return Path.Join(full, Path.GetFileName(id));
        }

        if (Path.EndsInDirectorySeparator(full))
        {
            error = $"directory {Path.TrimEndingDirectorySeparator(full)} does not exist";
            return null;
        }

        return full;
    }
}
