using System.Buffers;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Outpost.Gateway.Supervisor.Config;
using Outpost.Protocol.Tarballs;

namespace Outpost.Gateway.Apps;

/// <summary>
/// One pass over an app tarball: the checks of issue 6 ("Tarball checks"), enforced entry by entry while reading.
/// </summary>
/// <remarks>
/// Used once per tarball by <see cref="TarballChecker"/> (no sink: read and count only) and by
/// <see cref="TarballExtractor"/> (a sink writing the slot), so extraction re-enforces every check instead of trusting
/// an earlier <c>gwe -z</c>. Flow:
/// <code>
/// 1. name      NAME.vVERSION.tar.gz (TarballName)
/// 2. stream    raw bytes ─▶ TarballInputStream (count, sha256, trailer) ─▶ GZipStream ─▶ count ─▶ TarReader
/// 3. per entry count ≤ MaxEntries; path not absolute, no '..', names ≤ 255 bytes, ≤ 4095 in all, not through a
///              symlink or under a file, not twice;
///              type file/dir/symlink/hardlink only; symlink resolves inside; hardlink names an earlier file;
///              content read in chunks and counted (header sizes are never trusted) against MaxUnpackedBytes and
///              the compression ratio; accepted entries go to the sink while no problem has been found
/// 4. end       trailing data bounded; the last gzip member's ISIZE matches what it produced (catches truncation at
///              an entry boundary; multi-member gzip accepted, each member's CRC and ISIZE checked by zlib);
///              every symlink re-resolved against the final set of links
/// 5. layout    install.sh at the top or under the single top folder: regular, executable, '#!' first;
///              supervisor.conf beside it (optional) parses and has [program:x] or [supervisord]
/// </code>
/// </remarks>
internal sealed class TarballScanner
{
    private const int ChunkSize = 64 * 1024;
    private const int ScriptHeadBytes = 2;

    /// <summary>Linux's NAME_MAX: the longest file name (one path component), in bytes.</summary>
    private const int MaxNameBytes = 255;

    /// <summary>Linux's PATH_MAX (4096, with its NUL) less one: the longest path an entry may have, in bytes.</summary>
    private const int MaxPathBytes = 4095;

    private readonly TarballCheckOptions _options;
    private readonly ITarballSink? _sink;
    private readonly List<string> _problems = [];
    private readonly HashSet<string> _problemSet = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Captured> _scripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Captured> _confs = new(StringComparer.Ordinal);
    private readonly List<string> _topNames = [];
    private readonly HashSet<string> _topSet = new(StringComparer.Ordinal);
    private int _suppressed;
    private int _entries;
    private long _unpacked;
    private bool _fatal;
    private TarballInputStream? _raw;

    public TarballScanner(TarballCheckOptions options, ITarballSink? sink)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _sink = sink;
    }

    private enum NodeKind
    {
        Directory,
        File,
        Symlink,
    }

    /// <summary>Reads <paramref name="tarball"/> to the end (or to the first fatal problem) and reports what it found.</summary>
    /// <param name="tarball">The raw <c>.tar.gz</c> bytes; read once, forward only.</param>
    /// <param name="fileName">The tarball's file name, checked against <c>NAME.vVERSION.tar.gz</c>.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    public async Task<TarballCheckResult> ScanAsync(Stream tarball, string fileName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tarball);
        ArgumentNullException.ThrowIfNull(fileName);
        if (!TarballName.TryParse(fileName, out var name, out var nameError))
        {
            Problem(nameError);
        }

        using var raw = new TarballInputStream(tarball);
        _raw = raw;
        var readToEnd = false;
        try
        {
            readToEnd = await WalkAsync(raw, cancellationToken);
        }
        // TarReader throws InvalidOperationException for metadata entries (long names, PAX headers) claiming huge sizes.
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or InvalidOperationException)
        {
            Fatal(raw.BytesRead < 2 || raw.Head[0] != 0x1f || raw.Head[1] != 0x8b
                ? "not a gzip file"
                : $"not a readable gzip tar: {OneLine(ex.Message)}");
        }

        if (!_fatal)
        {
            CheckFinalLinks();
        }

        var layout = _fatal ? default : CheckLayout(name);
        if (_suppressed > 0)
        {
            _problems.Add($"… and {_suppressed} more problems");
        }

        return new TarballCheckResult(
            _problems,
            name,
            layout.TopFolder,
            layout.ScriptPath,
            layout.ConfPath,
            layout.ConfText,
            _entries,
            _unpacked,
            raw.BytesRead,
            readToEnd ? raw.HashHex() : null);
    }

    private async Task<bool> WalkAsync(TarballInputStream raw, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true);
        using var tarBytes = new TarballInputStream(gzip, hash: false);
        await using var reader = new TarReader(tarBytes, leaveOpen: true);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            while (!_fatal)
            {
                var entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken);
                if (entry is null)
                {
                    break;
                }

                if (++_entries > _options.MaxEntries)
                {
                    Fatal($"more than {_options.MaxEntries} entries");
                    break;
                }

                await VisitAsync(entry, buffer, cancellationToken);
            }

            if (_fatal)
            {
                return false;
            }

            if (_entries == 0)
            {
                Fatal("the tarball holds no entries");
                return false;
            }

            // Drain the padding after the end-of-archive marker, bounded: a bomb could hide after it.
            long trailing = 0;
            int n;
            while ((n = await tarBytes.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken)) > 0)
            {
                trailing += n;
                if (trailing > _options.MaxTrailingBytes)
                {
                    Fatal($"more than {_options.MaxTrailingBytes} bytes after the end of the tar archive");
                    return false;
                }
            }

            // gzip may stop short of the raw end (bytes after the last member): hash and count them too.
            while (await raw.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken) > 0)
            {
            }

            // .NET reads a gzip cut at a block boundary as a clean end: the last trailer tells the truth. zlib checks every
            // member's CRC-32 and ISIZE against that member as it reaches its trailer; what it cannot notice is a last
            // member with no trailer at all. A gzip may hold several members (cat a.gz b.gz, pigz, a tar split across
            // two), as GNU tar accepts: the last 8 bytes are then the last member's trailer, whose ISIZE is what that
            // member produced — the bytes since a member boundary, which is where one of the reads ended. A cut stream
            // ends in deflate data instead, whose last 4 bytes match no such length (bar a 1 in 2^32 coincidence per read).
            // Not the end itself: "0 bytes since the last read" would let a cut stream whose last 4 bytes are zero (tar's
            // padding in a stored block) pass; a last member that produced nothing is no tarball of ours.
            var total = tarBytes.BytesRead;
            if (raw.TrailerSize is not { } lastMember || !tarBytes.ReadEnds.Any(start => start < total && (uint)(total - start) == lastMember))
            {
                Fatal("the gzip stream is truncated or corrupt (length does not match its trailer)");
                return false;
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task VisitAsync(TarEntry entry, byte[] buffer, CancellationToken cancellationToken)
    {
        var shown = Show(entry.Name);
        var segments = TarballPaths.Segments(entry.Name);
        var key = string.Join('/', segments);
        var pathOk = true;
        if (entry.Name.Contains('\0', StringComparison.Ordinal))
        {
            Problem($"path with a NUL character: {shown}");
            pathOk = false;
        }
        else if (entry.Name.StartsWith('/'))
        {
            Problem($"absolute path: {shown}");
            pathOk = false;
        }
        else if (TarballPaths.HasParentSegment(segments))
        {
            Problem($"path with '..': {shown}");
            pathOk = false;
        }
        else if (segments.Count == 0 && entry.EntryType != TarEntryType.Directory)
        {
            Problem($"entry with an empty path: {shown}");
            pathOk = false;
        }
        else if (segments.Any(s => Encoding.UTF8.GetByteCount(s) > MaxNameBytes))
        {
            // Linux cannot create it (NAME_MAX): refused here, not at extraction with .NET's "The path '…' is too long".
            Problem($"path with a name longer than {MaxNameBytes} bytes: {shown}");
            pathOk = false;
        }
        else if (Encoding.UTF8.GetByteCount(key) > MaxPathBytes)
        {
            Problem($"path longer than {MaxPathBytes} bytes: {shown}");
            pathOk = false;
        }

        pathOk = pathOk && ParentsOk(segments, shown);
        var mode = entry.Mode & (UnixFileMode)0x1FF; // rwxrwxrwx only: setuid, setgid and sticky bits are dropped

        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                if (pathOk && segments.Count > 0 && Register(key, NodeKind.Directory, shown) && Writing)
                {
                    _sink!.CreateDirectory(key, mode);
                }

                await ReadContentAsync(entry, null, null, buffer, cancellationToken);
                break;

            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                var accepted = pathOk && Register(key, NodeKind.File, shown);
                var capture = accepted ? Capture(segments, key, entry.Mode) : null;
                Stream? destination = accepted && Writing ? _sink!.CreateFile(key, mode) : null;
                long size;
                await using (destination)
                {
                    size = await ReadContentAsync(entry, destination, capture, buffer, cancellationToken);
                }

                if (accepted)
                {
                    _nodes[key] = new Node(NodeKind.File, size);
                }

                break;

            case TarEntryType.SymbolicLink:
                await VisitSymlinkAsync(entry, segments, key, shown, pathOk, buffer, cancellationToken);
                break;

            case TarEntryType.HardLink:
                await VisitHardLinkAsync(entry, key, shown, pathOk, buffer, cancellationToken);
                break;

            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                Problem($"device node: {shown}");
                await ReadContentAsync(entry, null, null, buffer, cancellationToken);
                break;

            case TarEntryType.Fifo:
                Problem($"FIFO: {shown}");
                await ReadContentAsync(entry, null, null, buffer, cancellationToken);
                break;

            default:
                Problem($"unsupported entry type {entry.EntryType}: {shown}");
                await ReadContentAsync(entry, null, null, buffer, cancellationToken);
                break;
        }
    }

    private async Task VisitSymlinkAsync(TarEntry entry, List<string> segments, string key, string shown, bool pathOk, byte[] buffer, CancellationToken cancellationToken)
    {
        var target = entry.LinkName;
        var ok = pathOk;
        if (string.IsNullOrEmpty(target) || target.Contains('\0', StringComparison.Ordinal))
        {
            Problem($"symlink with an empty target: {shown}");
            ok = false;
        }
        else if (pathOk)
        {
            // Checked now against the links seen so far, and again at the end against all of them.
            ok = CheckLink(segments, target, shown);
        }

        // A rejected link is still registered, so later entries through it are reported too.
        var registered = pathOk && Register(key, NodeKind.Symlink, shown);
        if (ok && registered)
        {
            _links[key] = target;
            if (Writing)
            {
                _sink!.CreateSymbolicLink(key, target);
            }
        }

        await ReadContentAsync(entry, null, null, buffer, cancellationToken);
    }

    private async Task VisitHardLinkAsync(TarEntry entry, string key, string shown, bool pathOk, byte[] buffer, CancellationToken cancellationToken)
    {
        var target = entry.LinkName ?? string.Empty;
        var targetSegments = TarballPaths.Segments(target);
        var targetKey = string.Join('/', targetSegments);
        var ok = pathOk;
        if (target.StartsWith('/') || TarballPaths.HasParentSegment(targetSegments))
        {
            Problem($"hardlink points outside the tarball: {shown} -> {Show(target)}");
            ok = false;
        }
        else if (!_nodes.TryGetValue(targetKey, out var node) || node.Kind != NodeKind.File || targetSegments.Count == 0)
        {
            Problem($"hardlink does not point to a file earlier in the tarball: {shown} -> {Show(target)}");
            ok = false;
        }

        ok = ok && Register(key, NodeKind.File, shown);
        if (ok)
        {
            // The link is a second copy of the content: count it, or 10,000 links to one big file are a bomb.
            var size = _nodes[targetKey].Size;
            _nodes[key] = _nodes[key] with { Size = size };
            AddUnpacked(size);
            if (Writing)
            {
                _sink!.CreateHardLink(key, targetKey);
            }
        }

        await ReadContentAsync(entry, null, null, buffer, cancellationToken);
    }

    /// <summary>Reads the entry's content in chunks, counting real bytes, never trusting the header's size.</summary>
    private async Task<long> ReadContentAsync(TarEntry entry, Stream? destination, Captured? capture, byte[] buffer, CancellationToken cancellationToken)
    {
        var data = entry.DataStream;
        if (data is null)
        {
            return 0;
        }

        long read = 0;
        int n;
        while ((n = await data.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken)) > 0)
        {
            read += n;
            if (!AddUnpacked(n))
            {
                return read;
            }

            capture?.Append(buffer.AsSpan(0, n));
            if (destination is not null && Writing)
            {
                await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
            }
        }

        if (read < entry.Length)
        {
            Fatal($"the tarball is truncated inside {Show(entry.Name)}");
        }

        return read;
    }

    private bool AddUnpacked(long n)
    {
        _unpacked += n;
        if (_unpacked > _options.MaxUnpackedBytes)
        {
            Fatal($"more than {_options.MaxUnpackedBytes} bytes unpacked");
            return false;
        }

        if (_unpacked > _options.RatioFloorBytes && _raw is { } raw
            && _unpacked > raw.BytesRead * _options.MaxCompressionRatio)
        {
            Fatal($"compression ratio over {_options.MaxCompressionRatio} (decompression bomb)");
            return false;
        }

        return true;
    }

    private bool ParentsOk(List<string> segments, string shown)
    {
        for (var i = 1; i < segments.Count; i++)
        {
            var prefix = string.Join('/', segments.Take(i));
            if (!_nodes.TryGetValue(prefix, out var node))
            {
                continue;
            }

            if (node.Kind == NodeKind.Symlink)
            {
                Problem($"path goes through a symlink: {shown} (via {prefix})");
                return false;
            }

            if (node.Kind == NodeKind.File)
            {
                Problem($"path goes under a file: {shown} (under {prefix})");
                return false;
            }
        }

        return true;
    }

    /// <summary>Records the node and its implicit parent directories; false (and a problem) on a clash.</summary>
    private bool Register(string key, NodeKind kind, string shown)
    {
        if (_nodes.TryGetValue(key, out var existing))
        {
            if (existing.Kind == NodeKind.Directory && kind == NodeKind.Directory)
            {
                return true;
            }

            Problem($"entry appears more than once: {shown}");
            return false;
        }

        var segments = key.Split('/');
        if (_topSet.Add(segments[0]))
        {
            _topNames.Add(segments[0]);
        }

        for (var i = 1; i < segments.Length; i++)
        {
            _nodes.TryAdd(string.Join('/', segments.Take(i)), new Node(NodeKind.Directory, 0));
        }

        _nodes[key] = new Node(kind, 0);
        return true;
    }

    private bool CheckLink(List<string> segments, string target, string shown)
    {
        var resolution = TarballPaths.Resolve(segments[..^1], target, _links);
        switch (resolution)
        {
            case TarballPaths.Resolution.Outside:
                Problem($"symlink points outside the tarball: {shown} -> {Show(target)}");
                return false;
            case TarballPaths.Resolution.Loop:
                Problem($"symlink loop: {shown} -> {Show(target)}");
                return false;
            default:
                return true;
        }
    }

    private void CheckFinalLinks()
    {
        foreach (var (key, target) in _links)
        {
            CheckLink([.. key.Split('/')], target, Show(key));
        }
    }

    /// <summary>Starts keeping the head of an install.sh or the text of a supervisor.conf that may matter to the layout.</summary>
    private Captured? Capture(List<string> segments, string key, UnixFileMode mode)
    {
        if (segments.Count > 2)
        {
            return null;
        }

        if (segments[^1] == "install.sh")
        {
            return _scripts[key] = new Captured(ScriptHeadBytes, mode);
        }

        // Only supervisor.conf at the top and under the first top folder can matter (a second folder fails the layout).
        if (segments[^1] == "supervisor.conf" && (segments.Count == 1 || !_confs.Keys.Any(k => k.Contains('/', StringComparison.Ordinal))))
        {
            return _confs[key] = new Captured(_options.MaxSupervisorConfBytes + 1, mode);
        }

        return null;
    }

    private Layout CheckLayout(TarballName? name)
    {
        string? top = null;
        if (!_scripts.ContainsKey("install.sh"))
        {
            if (_nodes.TryGetValue("install.sh", out var node) && node.Kind != NodeKind.File)
            {
                Problem("install.sh is not a regular file");
                return default;
            }

            if (_topNames.Count == 1 && _nodes.TryGetValue(_topNames[0], out var only) && only.Kind == NodeKind.Directory
                && _scripts.ContainsKey(_topNames[0] + "/install.sh"))
            {
                top = _topNames[0];
            }
            else
            {
                var found = _topNames.Count > 1 ? $" (found {_topNames.Count} top-level entries: {string.Join(", ", _topNames.Take(3).Select(Show))}{(_topNames.Count > 3 ? ", …" : string.Empty)})" : string.Empty;
                Problem($"no install.sh at the top level or under a single top-level folder{found}");
                return default;
            }
        }

        var scriptPath = top is null ? "install.sh" : top + "/install.sh";
        var script = _scripts[scriptPath];
        if ((script.Mode & UnixFileMode.UserExecute) == 0)
        {
            Problem($"install.sh is not executable (mode {Convert.ToString((int)script.Mode & 0xFFF, 8).PadLeft(4, '0')})");
        }

        if (script.Bytes is not [(byte)'#', (byte)'!', ..])
        {
            Problem("install.sh does not start with a #! line");
        }

        var confPath = top is null ? "supervisor.conf" : top + "/supervisor.conf";
        if (!_nodes.TryGetValue(confPath, out var confNode))
        {
            return new Layout(top, scriptPath, null, null);
        }

        if (confNode.Kind != NodeKind.File || !_confs.TryGetValue(confPath, out var conf))
        {
            Problem("supervisor.conf is not a regular file");
            return new Layout(top, scriptPath, confPath, null);
        }

        if (conf.Bytes.Length > _options.MaxSupervisorConfBytes)
        {
            Problem($"supervisor.conf is larger than {_options.MaxSupervisorConfBytes} bytes");
            return new Layout(top, scriptPath, confPath, null);
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(conf.Bytes);
        }
        catch (DecoderFallbackException)
        {
            Problem("supervisor.conf is not valid UTF-8");
            return new Layout(top, scriptPath, confPath, null);
        }

        // The same merge the install does, values read as the supervisor reads them: a conf the install would refuse
        // fails here, before anything is extracted or install.sh runs (and gwe -z says so).
        if (!SupervisorConfMerge.TryMerge(text, name?.Name ?? "app", "/var/log", out _, out var confError))
        {
            Problem(confError);
        }

        return new Layout(top, scriptPath, confPath, text);
    }

    private bool Writing => _sink is not null && _problems.Count == 0 && !_fatal;

    private void Problem(string line)
    {
        if (!_problemSet.Add(line))
        {
            return;
        }

        if (_problems.Count >= _options.MaxProblems)
        {
            _suppressed++;
            return;
        }

        _problems.Add(line);
    }

    private void Fatal(string line)
    {
        _fatal = true;
        Problem(line);
    }

    /// <summary>A path as shown in a problem line: one line, bounded length, control characters escaped.</summary>
    private static string Show(string path)
    {
        var sb = new StringBuilder();
        foreach (var c in path.Length > 120 ? path[..120] + "…" : path)
        {
            sb.Append(char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString());
        }

        return sb.ToString();
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    private readonly record struct Node(NodeKind Kind, long Size);

    /// <summary>The first bytes of a file, kept while its content streams past.</summary>
    private sealed class Captured(int limit, UnixFileMode mode)
    {
        private readonly List<byte> _bytes = [];

        public UnixFileMode Mode { get; } = mode;

        public byte[] Bytes => [.. _bytes];

        public void Append(ReadOnlySpan<byte> data)
        {
            var room = limit - _bytes.Count;
            if (room > 0)
            {
                _bytes.AddRange(data[..Math.Min(room, data.Length)]);
            }
        }
    }

    private readonly record struct Layout(string? TopFolder, string? ScriptPath, string? ConfPath, string? ConfText);
}
