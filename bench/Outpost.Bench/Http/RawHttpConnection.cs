using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Outpost.Bench.Http;

/// <summary>
/// One keep-alive HTTP/1.1 connection on a raw socket: send pre-built request bytes, read one response
/// (status line, headers, <c>Content-Length</c> body). No pipelining, one request in flight — what wrk does — and
/// close to wrk's cost per request, because the load generator shares the machine's cores with the server.
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] ContentLengthName = "\r\ncontent-length:"u8.ToArray();

    private readonly Socket _socket;
    private byte[] _buffer;
    private int _start;
    private int _end;

    private RawHttpConnection(Socket socket, int bufferBytes)
    {
        _socket = socket;
        _buffer = new byte[bufferBytes];
    }

    public static async Task<RawHttpConnection> ConnectAsync(IPEndPoint endpoint, int bufferBytes, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
            return new RawHttpConnection(socket, bufferBytes);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        while (!request.IsEmpty)
        {
            var sent = await _socket.SendAsync(request, SocketFlags.None, cancellationToken);
            request = request[sent..];
        }
    }

    /// <summary>Reads one whole response; returns its status code and body (a view into the buffer, valid until the next call).</summary>
    public async ValueTask<(int Status, ReadOnlyMemory<byte> Body)> ReadResponseAsync(CancellationToken cancellationToken)
    {
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf(HeaderEnd)) < 0)
        {
            await FillAsync(cancellationToken);
        }

        var headers = _buffer.AsSpan(_start, headerEnd);
        if (headers.Length < 12 || !headers.StartsWith("HTTP/1.1 "u8) || !int.TryParse(Encoding.ASCII.GetString(headers.Slice(9, 3)), out var status))
        {
            throw new InvalidDataException("not an HTTP/1.1 response: " + Encoding.ASCII.GetString(headers[..Math.Min(headers.Length, 80)]));
        }

        var contentLength = ContentLength(headers);
        var bodyStart = _start + headerEnd + HeaderEnd.Length;
        while (_end - bodyStart < contentLength)
        {
            var consumed = bodyStart - _start;
            await FillAsync(cancellationToken);
            bodyStart = _start + consumed;
        }

        var body = new ReadOnlyMemory<byte>(_buffer, bodyStart, contentLength);
        _start = bodyStart + contentLength;
        if (_start == _end)
        {
            _start = _end = 0;
        }

        return (status, body);
    }

    public void Dispose() => _socket.Dispose();

    private static int ContentLength(ReadOnlySpan<byte> headers)
    {
        // Header names are case-insensitive; the servers measured here send "Content-Length" or "content-length".
        Span<byte> lower = stackalloc byte[headers.Length];
        for (var i = 0; i < headers.Length; i++)
        {
            var b = headers[i];
            lower[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
        }

        var at = lower.IndexOf(ContentLengthName);
        if (at < 0)
        {
            if (lower.IndexOf("\r\ntransfer-encoding:"u8) >= 0)
            {
                throw new InvalidDataException("chunked responses are not supported by the load generator");
            }

            return 0;
        }

        var value = lower[(at + ContentLengthName.Length)..];
        var eol = value.IndexOf("\r\n"u8);
        return int.Parse(Encoding.ASCII.GetString(eol < 0 ? value : value[..eol]).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_end == _buffer.Length)
        {
            // Compact first; grow only when one response is bigger than the buffer.
            var live = _end - _start;
            var target = live * 2 > _buffer.Length ? new byte[_buffer.Length * 2] : _buffer;
            Buffer.BlockCopy(_buffer, _start, target, 0, live);
            _buffer = target;
            _start = 0;
            _end = live;
        }

        var n = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (n == 0)
        {
            throw new IOException("the server closed the connection");
        }

        _end += n;
    }
}
