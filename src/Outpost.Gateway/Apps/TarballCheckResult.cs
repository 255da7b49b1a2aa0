using Outpost.Protocol.Tarballs;

namespace Outpost.Gateway.Apps;

/// <summary>What a tarball check found: the problems (empty when the tarball may be installed) and its layout.</summary>
/// <param name="Problems">One short line per problem, in the order found.</param>
/// <param name="Name">The parsed file name, or <see langword="null"/> when it breaks the convention.</param>
/// <param name="TopFolder">The single top-level folder holding <c>install.sh</c>, or <see langword="null"/> when it sits at the top.</param>
/// <param name="InstallScriptPath">The path of <c>install.sh</c> inside the tarball, e.g. <c>install.sh</c> or <c>app/install.sh</c>.</param>
/// <param name="SupervisorConfPath">The path of <c>supervisor.conf</c> beside <c>install.sh</c>, when present.</param>
/// <param name="SupervisorConfText">The text of that <c>supervisor.conf</c>, when present and readable.</param>
/// <param name="Entries">Entries read (files, directories, links).</param>
/// <param name="UnpackedBytes">Bytes of file content actually decompressed (hard links count their target again).</param>
/// <param name="CompressedBytes">Bytes of the tarball file read.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the tarball file, or <see langword="null"/> when it was not read to the end.</param>
internal sealed record TarballCheckResult(
    IReadOnlyList<string> Problems,
    TarballName? Name,
    string? TopFolder,
    string? InstallScriptPath,
    string? SupervisorConfPath,
    string? SupervisorConfText,
    int Entries,
    long UnpackedBytes,
    long CompressedBytes,
    string? Sha256)
{
    /// <summary>Whether the tarball passed every check.</summary>
    public bool Passed => Problems.Count == 0;

    /// <summary>A failed result holding one problem, for a tarball that could not even be opened.</summary>
    public static TarballCheckResult Unreadable(string problem, TarballName? name) =>
        new([problem], name, null, null, null, null, 0, 0, 0, null);
}
