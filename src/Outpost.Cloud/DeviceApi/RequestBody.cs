using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace Outpost.Cloud.DeviceApi;

/// <summary>Reads a whole request body up to a limit, turning an oversize or broken body into a 4xx, never a 5xx.</summary>
internal static class RequestBody
{
    private const int ChunkBytes = 16 * 1024;

    public static async Task<(byte[]? Body, int Status, string? Error)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, 413, $"request body is over {maxBytes} bytes");
        }

        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = maxBytes + 1;
        }

        try
        {
            return request.ContentLength is { } length
                ? await ReadKnownLengthAsync(request.Body, (int)length, cancellationToken)
                : await ReadChunkedAsync(request.Body, maxBytes, cancellationToken);
        }
        catch (BadHttpRequestException ex)
        {
            return (null, ex.StatusCode, "bad request body: " + ex.Message);
        }
    }

    /// <summary>
    /// The common case (every device write): read straight into an array of the announced size. A per-request
    /// 16 KiB scratch buffer plus a MemoryStream copy was most of the device API's allocation (and GC) per write.
    /// </summary>
    private static async Task<(byte[]? Body, int Status, string? Error)> ReadKnownLengthAsync(System.IO.Stream body, int length, CancellationToken cancellationToken)
    {
        var buffer = length == 0 ? [] : new byte[length];
        var filled = 0;
        while (filled < length)
        {
            var n = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (n == 0)
            {
                break; // Kestrel reports a body shorter than Content-Length as BadHttpRequestException; this is belt and braces.
            }

            filled += n;
        }

        return filled == length ? (buffer, 200, null) : (null, 400, "bad request body: shorter than its Content-Length");
    }

    private static async Task<(byte[]? Body, int Status, string? Error)> ReadChunkedAsync(System.IO.Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(256);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int n;
            while ((n = await body.ReadAsync(chunk.AsMemory(0, ChunkBytes), cancellationToken)) > 0)
            {
                if (buffer.Length + n > maxBytes)
                {
                    return (null, 413, $"request body is over {maxBytes} bytes");
                }

                buffer.Write(chunk, 0, n);
            }

            return (buffer.ToArray(), 200, null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
