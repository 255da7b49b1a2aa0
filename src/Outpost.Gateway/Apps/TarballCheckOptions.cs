namespace Outpost.Gateway.Apps;

/// <summary>
/// Limits that keep a hostile tarball from exhausting the gateway; used by <see cref="TarballChecker"/> and
/// <see cref="TarballExtractor"/> alike so a tarball that passed <c>gwe -z</c> also extracts.
/// </summary>
internal sealed record TarballCheckOptions
{
    /// <summary>The defaults of issue 6: 10,000 entries, 512 MiB unpacked, compression ratio 200.</summary>
    public static TarballCheckOptions Default { get; } = new();

    /// <summary>The most entries (files, directories, links) a tarball may hold.</summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>The most bytes of file content, counted as actually decompressed (header sizes are not trusted).</summary>
    public long MaxUnpackedBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>The highest unpacked-to-compressed ratio before the tarball counts as a decompression bomb.</summary>
    public double MaxCompressionRatio { get; init; } = 200;

    /// <summary>
    /// The ratio is only enforced once this many bytes are unpacked: a small app (a few KiB of script and tar padding)
    /// can compress extremely well and still be harmless.
    /// </summary>
    public long RatioFloorBytes { get; init; } = 1024 * 1024;

    /// <summary>Bytes of decompressed data allowed after the tar end-of-archive marker (GNU tar pads to 10 KiB records).</summary>
    public long MaxTrailingBytes { get; init; } = 1024 * 1024;

    /// <summary>The largest <c>supervisor.conf</c> read into memory.</summary>
    public int MaxSupervisorConfBytes { get; init; } = 64 * 1024;

    /// <summary>The most problem lines reported; the rest are summarised in one line.</summary>
    public int MaxProblems { get; init; } = 50;
}
