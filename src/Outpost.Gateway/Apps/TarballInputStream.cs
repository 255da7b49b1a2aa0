using System.Security.Cryptography;

namespace Outpost.Gateway.Apps;

/// <summary>
/// A read-only pass-through over the raw tarball that counts and hashes every byte read, so the checker learns the
/// compressed size, the SHA-256 and the gzip trailer (last 8 bytes) in the same single pass as the tar walk.
/// Also laid over the decompressed stream (without hashing) to count the bytes gzip produced.
/// </summary>
internal sealed class TarballInputStream(Stream inner, bool hash = true) : Stream
{
    private readonly IncrementalHash? _sha256 = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
    private readonly List<long> _readEnds = [0];
    private readonly byte[] _tail = new byte[8];
    private readonly byte[] _head = new byte[2];

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The first two bytes (the gzip magic is 1f 8b), valid once <see cref="BytesRead"/> ≥ 2.</summary>
    public ReadOnlySpan<byte> Head => _head;

    /// <summary>The gzip ISIZE field (the uncompressed length mod 2³²) from the last 4 bytes read, if 8 were read.</summary>
    public uint? TrailerSize => BytesRead >= 8 ? BitConverter.ToUInt32(_tail, 4) : null;

    /// <summary>
    /// Where each read ended (and 0), in bytes from the start. Over a GZipStream these include every gzip member's end:
    /// one read never returns bytes of two members (the inflater stops at a member's end and starts the next on the
    /// following read). Bounded by the number of reads: a few per tar entry, one per 64 KiB of content.
    /// </summary>
    public IReadOnlyList<long> ReadEnds => _readEnds;

    /// <summary>The lower-case hex SHA-256 of everything read.</summary>
    public string HashHex() => _sha256 is null ? string.Empty : Convert.ToHexStringLower(_sha256.GetCurrentHash());

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Observe(buffer[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        Observe(buffer.Span[..n]);
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Observe(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        for (var i = 0; i < data.Length && BytesRead + i < 2; i++)
        {
            _head[BytesRead + i] = data[i];
        }

        // Keep a rolling window of the last 8 bytes: the gzip trailer once the stream ends.
        if (data.Length >= 8)
        {
            data[^8..].CopyTo(_tail);
        }
        else
        {
            Array.Copy(_tail, data.Length, _tail, 0, 8 - data.Length);
            data.CopyTo(_tail.AsSpan(8 - data.Length));
        }

        _sha256?.AppendData(data);
        BytesRead += data.Length;
        _readEnds.Add(BytesRead);
    }
}
