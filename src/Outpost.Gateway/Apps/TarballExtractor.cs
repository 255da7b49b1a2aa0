using System.Runtime.Versioning;

namespace Outpost.Gateway.Apps;

/// <summary>
/// Extracts an app tarball into its versioned slot, <c>…/apps/&lt;name&gt;/&lt;version&gt;/</c>; called by the install
/// pipeline after the check.
/// </summary>
/// <remarks>
/// Flow:
/// <code>
/// 1. refuse if the slot exists (a version is installed once; the pipeline removes a failed slot)
/// 2. create a hidden temp dir beside the slot: apps/&lt;name&gt;/.&lt;version&gt;.extracting-&lt;random&gt;
/// 3. TarballScanner re-runs every check while a SlotWriter writes the accepted entries into the temp dir
///    (nothing is written after the first problem; symlinks are created, never followed; modes rwx kept)
/// 4. any problem, I/O error or cancellation → delete the temp dir; otherwise rename it to the slot
/// </code>
/// The rename is atomic on one filesystem, so a half-extracted slot never appears, not even after <c>kill -9</c>
/// (a leftover <c>.extracting-</c> dir is garbage for the pipeline to sweep).
/// </remarks>
[UnsupportedOSPlatform("windows")] // gwe runs on Linux gateways; slots keep Unix modes
internal sealed class TarballExtractor(TarballCheckOptions options)
{
    /// <summary>The marker in the names of temporary extraction directories, for sweeping leftovers.</summary>
    public const string TempMarker = ".extracting-";

    /// <summary>An extractor with the default limits.</summary>
    public TarballExtractor()
        : this(TarballCheckOptions.Default)
    {
    }

    /// <summary>Extracts the tarball file at <paramref name="tarballPath"/> (its file name is checked) into <paramref name="slotDirectory"/>.</summary>
    public async Task<TarballExtraction> ExtractFileAsync(string tarballPath, string slotDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tarballPath);
        FileStream file;
        try
        {
            file = TarballChecker.OpenRead(tarballPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new TarballExtraction(TarballCheckResult.Unreadable(TarballChecker.CannotRead(tarballPath, ex), null), slotDirectory);
        }

        await using (file)
        {
            return await ExtractAsync(file, Path.GetFileName(tarballPath), slotDirectory, cancellationToken);
        }
    }

    /// <summary>Extracts the tarball bytes in <paramref name="tarball"/>, named <paramref name="fileName"/>, into <paramref name="slotDirectory"/>.</summary>
    public async Task<TarballExtraction> ExtractAsync(Stream tarball, string fileName, string slotDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tarball);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(slotDirectory);
        var slot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(slotDirectory));
        if (Path.Exists(slot))
        {
            return Failed($"slot already exists: {slot}", slot);
        }

        var parent = Path.GetDirectoryName(slot) ?? throw new ArgumentException("the slot needs a parent directory", nameof(slotDirectory));
        var temp = Path.Join(parent, "." + Path.GetFileName(slot) + TempMarker + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            Directory.CreateDirectory(parent);
            Directory.CreateDirectory(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed($"cannot create {temp}: {ex.Message}", slot);
        }

        var moved = false;
        try
        {
            var check = await new TarballScanner(options, new SlotWriter(temp)).ScanAsync(tarball, fileName, cancellationToken);
            if (!check.Passed)
            {
                return new TarballExtraction(check, slot);
            }

            Directory.Move(temp, slot);
            moved = true;
            return new TarballExtraction(check, slot);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed($"cannot extract into {slot}: {ex.Message.ReplaceLineEndings(" ")}", slot);
        }
        finally
        {
            if (!moved)
            {
                Remove(temp);
            }
        }
    }

    /// <summary>The slot of <paramref name="name"/> under <paramref name="appsDirectory"/>: <c>apps/&lt;name&gt;/&lt;version&gt;</c>.</summary>
    public static string SlotPath(string appsDirectory, Outpost.Protocol.Tarballs.TarballName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Path.Join(appsDirectory, name.Name, name.Version);
    }

    /// <summary>
    /// Deletes temp dirs an interrupted extraction (<c>kill -9</c>, power loss) left in <paramref name="appDirectory"/>
    /// (<c>apps/&lt;name&gt;</c>); the install pipeline calls it on start. Returns how many were removed.
    /// </summary>
    public static int RemoveLeftovers(string appDirectory)
    {
        if (!Directory.Exists(appDirectory))
        {
            return 0;
        }

        var leftovers = Directory.GetDirectories(appDirectory, "." + "*" + TempMarker + "*");
        foreach (var leftover in leftovers)
        {
            Remove(leftover);
        }

        return leftovers.Length;
    }

    private static TarballExtraction Failed(string problem, string slot) =>
        new(TarballCheckResult.Unreadable(problem, null), slot);

    /// <summary>Deletes a temp dir; recursive delete unlinks symlinks rather than following them.</summary>
    private static void Remove(string temp)
    {
        try
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the hidden name keeps a leftover out of the way of slots; the pipeline sweeps it.
        }
    }
}
