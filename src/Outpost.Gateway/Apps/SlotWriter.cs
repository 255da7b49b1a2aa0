using System.Runtime.Versioning;

namespace Outpost.Gateway.Apps;

/// <summary>
/// The <see cref="ITarballSink"/> of <see cref="TarballExtractor"/>: writes accepted entries under one root directory
/// (the temporary twin of a slot). The scanner has already ruled out escapes; every call checks again, because a bug
/// there must not become a write outside the slot.
/// </summary>
[UnsupportedOSPlatform("windows")] // gwe runs on Linux gateways; slots keep Unix modes
internal sealed class SlotWriter : ITarballSink
{
    private const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _root;

    /// <param name="root">An existing, empty directory; created by the extractor.</param>
    public SlotWriter(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    public void CreateDirectory(string path, UnixFileMode mode)
    {
        var full = Prepare(path);
        if (new FileInfo(full).LinkTarget is not null)
        {
            throw new IOException($"refusing to chmod through a symlink: {path}");
        }

        // The owner keeps rwx so later entries can be written into it.
        if (!Directory.Exists(full))
        {
            Directory.CreateDirectory(full, mode | OwnerAll);
        }
        else
        {
            File.SetUnixFileMode(full, mode | OwnerAll);
        }
    }

    public Stream CreateFile(string path, UnixFileMode mode)
    {
        var full = Prepare(path);
        // CreateNew is O_CREAT|O_EXCL: it fails on anything already there, a planted symlink included.
        var stream = new FileStream(full, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            Options = FileOptions.Asynchronous,
            BufferSize = 64 * 1024,
        });
        try
        {
            // Set on the handle, exactly (the create mode is subject to umask): this keeps install.sh's x bit.
            File.SetUnixFileMode(stream.SafeFileHandle, mode | UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return stream;
    }

    public void CreateSymbolicLink(string path, string target)
    {
        var full = Prepare(path);
        File.CreateSymbolicLink(full, target);
    }

    public void CreateHardLink(string path, string targetPath)
    {
        var full = Prepare(path);
        var source = Prepare(targetPath);
        if (new FileInfo(source) is not { Exists: true, LinkTarget: null })
        {
            throw new IOException($"hardlink target is not a regular file in the slot: {targetPath}");
        }

        // .NET has no link(2); a copy has the same content and mode, and the scanner counted its bytes again.
        File.Copy(source, full, overwrite: false);
    }

    /// <summary>
    /// Maps a tarball path to a full path under the root, creating missing parent directories and refusing to pass
    /// through anything that is not a real directory.
    /// </summary>
    private string Prepare(string path)
    {
        var segments = TarballPaths.Segments(path);
        if (segments.Count == 0 || path.StartsWith('/') || TarballPaths.HasParentSegment(segments))
        {
            throw new IOException($"refusing to write outside the slot: {path}");
        }

        var current = _root;
        for (var i = 0; i < segments.Count - 1; i++)
        {
            current = Path.Join(current, segments[i]);
            var info = new DirectoryInfo(current);
            if (!info.Exists && !File.Exists(current) && info.LinkTarget is null)
            {
                Directory.CreateDirectory(current, OwnerAll | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
                continue;
            }

            if (!info.Exists || info.LinkTarget is not null)
            {
                throw new IOException($"refusing to write through a non-directory: {string.Join('/', segments.Take(i + 1))}");
            }
        }

        var full = Path.Join(current, segments[^1]);
        if (!Path.GetFullPath(full).StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new IOException($"refusing to write outside the slot: {path}");
        }

        return full;
    }
}
