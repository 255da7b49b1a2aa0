using Microsoft.AspNetCore.Http.Features;

namespace Outpost.Cloud.DeviceApi;

/// <summary>Reads a whole request body up to a limit, turning an oversize or broken body into a 4xx, never a 5xx.</summary>
internal static class RequestBody
{
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
            using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 256);
            var chunk = new byte[16 * 1024];
            int n;
            while ((n = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + n > maxBytes)
                {
                    return (null, 413, $"request body is over {maxBytes} bytes");
                }

                buffer.Write(chunk, 0, n);
            }

            return (buffer.ToArray(), 200, null);
        }
        catch (BadHttpRequestException ex)
        {
            return (null, ex.StatusCode, "bad request body: " + ex.Message);
        }
    }
}
