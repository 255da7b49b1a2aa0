namespace Outpost.Gateway.Apps;

/// <summary>
/// Receives the entries of a tarball that passed every per-entry check, in archive order; the extractor writes them to
/// disk, the checker passes none. Paths are relative, '/'-separated, normalised, and never pass through a symlink.
/// </summary>
internal interface ITarballSink
{
    /// <summary>Creates the directory <paramref name="path"/> (it may already exist as the parent of an earlier entry).</summary>
    void CreateDirectory(string path, UnixFileMode mode);

    /// <summary>Creates the new file <paramref name="path"/> and returns a stream for its content; the caller disposes it.</summary>
    Stream CreateFile(string path, UnixFileMode mode);

    /// <summary>Creates the symlink <paramref name="path"/> pointing at <paramref name="target"/>, without following it.</summary>
    void CreateSymbolicLink(string path, string target);

    /// <summary>Makes <paramref name="path"/> the same content as the earlier regular file <paramref name="targetPath"/>.</summary>
    void CreateHardLink(string path, string targetPath);
}
