namespace Outpost.Gateway.Apps;

/// <summary>
/// Checks an app tarball without writing anything: <c>gwe -z</c>, the install pipeline before extraction, and
/// <c>gwe -y</c> after a build call it. The checks themselves live in <see cref="TarballScanner"/>.
/// </summary>
internal sealed class TarballChecker(TarballCheckOptions options)
{
    /// <summary>A checker with the default limits.</summary>
    public TarballChecker()
        : this(TarballCheckOptions.Default)
    {
    }

    /// <summary>Checks the tarball bytes in <paramref name="tarball"/>, named <paramref name="fileName"/>.</summary>
    public Task<TarballCheckResult> CheckAsync(Stream tarball, string fileName, CancellationToken cancellationToken) =>
        new TarballScanner(options, sink: null).ScanAsync(tarball, fileName, cancellationToken);

    /// <summary>Checks the tarball file at <paramref name="path"/>; a missing or unreadable file is one problem line.</summary>
    public async Task<TarballCheckResult> CheckFileAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fileName = Path.GetFileName(path);
        FileStream file;
        try
        {
            file = OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return TarballCheckResult.Unreadable(CannotRead(path, ex), null);
        }

        await using (file)
        {
            try
            {
                return await CheckAsync(file, fileName, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return TarballCheckResult.Unreadable(CannotRead(path, ex), null);
            }
        }
    }

    /// <summary>Opens a tarball for one sequential read.</summary>
    internal static FileStream OpenRead(string path) =>
        new(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            Options = FileOptions.SequentialScan | FileOptions.Asynchronous,
            BufferSize = 64 * 1024,
        });

    /// <summary>The one line shown for a tarball that cannot be opened or read.</summary>
    internal static string CannotRead(string path, Exception ex) => ex switch
    {
        _ when Directory.Exists(path) => $"{path}: is a directory, not a tarball",
        FileNotFoundException or DirectoryNotFoundException => $"{path}: no such file",
        UnauthorizedAccessException => $"{path}: permission denied",
        _ => $"{path}: cannot read: {ex.Message.ReplaceLineEndings(" ")}",
    };
}
