using System.Text;

namespace Outpost.Gateway.Apps;

/// <summary>
/// Writes a small state file so a crash (<c>kill -9</c>, power loss) leaves either the old or the new content, never a
/// mix: temp file beside it, flushed to disk, renamed over the old one, then the directory flushed so the rename
/// itself survives. Used by the installed-apps record, the install journal and the engine_fetch cursor.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> (mode 0600).</summary>
    public static async Task WriteAsync(string path, string text, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Join(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            await using (var stream = new FileStream(temp, options))
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        FlushDirectory(directory);
    }

    /// <summary>Deletes <paramref name="path"/> and makes the deletion durable.</summary>
    public static void Delete(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
            FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
    }

    private static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            // fsync on a directory handle makes the rename durable; .NET opens directories read-only for this.
            using var handle = File.OpenHandle(directory, FileMode.Open, FileAccess.Read);
            RandomAccess.FlushToDisk(handle);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Some filesystems refuse fsync on directories; the rename is still atomic, only its durability is weaker.
        }
    }
}
