using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Outpost.Gateway.Queue.Http;

/// <summary>Reads a whole request body up to a limit; an oversize or broken body becomes a 4xx, never a 5xx.</summary>
internal static class RequestBodyReader
{
    public static async Task<(byte[]? Body, int Status, string? Error)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, 413, $"request body is over {maxBytes} bytes");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = maxBytes + 1;
        }

        try
        {
            if (request.ContentLength is { } length)
            {
                // The common case: read straight into one array of the announced size (no scratch buffer, no copy).
                var body = new byte[length];
                var read = 0;
                while (read < body.Length)
                {
                    var n = await request.Body.ReadAsync(body.AsMemory(read), cancellationToken);
                    if (n == 0)
                    {
                        return (null, 400, "bad request body: shorter than its Content-Length");
                    }

                    read += n;
                }

                return (body, 200, null);
            }

            using var buffer = new MemoryStream(256);
            var chunk = new byte[16 * 1024];
            int count;
            while ((count = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + count > maxBytes)
                {
                    return (null, 413, $"request body is over {maxBytes} bytes");
                }

                buffer.Write(chunk, 0, count);
            }

            return (buffer.ToArray(), 200, null);
        }
        catch (BadHttpRequestException ex)
        {
            return (null, ex.StatusCode, "bad request body: " + ex.Message);
        }
    }
}
