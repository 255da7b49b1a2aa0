namespace Outpost.Device;

/// <summary>
/// Approximate wire sizes of HTTP/1.1 messages (start line + headers + known body length), for bandwidth counting:
/// HttpClient does not expose the bytes it wrote, and a per-source estimate within a few bytes is what a report needs.
/// </summary>
internal static class HttpSize
{
    public static long Of(HttpRequestMessage request, HttpClient client)
    {
        long size = request.Method.Method.Length + 1 + (request.RequestUri?.PathAndQuery.Length ?? 1) + " HTTP/1.1\r\n".Length;
        size += "Host: \r\n".Length + (request.RequestUri?.Authority.Length ?? 0);
        size += Headers(request.Headers) + Headers(client.DefaultRequestHeaders);
        if (request.Content is { } content)
        {
            size += Headers(content.Headers) + (content.Headers.ContentLength ?? 0);
            if (!content.Headers.Contains("Content-Length") && content.Headers.ContentLength is { } length)
            {
                size += "Content-Length: \r\n".Length + length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
            }
        }

        return size + 2;
    }

    public static long Of(HttpResponseMessage response) =>
        "HTTP/1.1 000 \r\n".Length + (response.ReasonPhrase?.Length ?? 0) + Headers(response.Headers) + Headers(response.Content.Headers) + 2;

    private static long Headers(System.Net.Http.Headers.HttpHeaders headers)
    {
        long size = 0;
        foreach (var header in headers.NonValidated)
        {
            size += header.Key.Length + 4;
            foreach (var value in header.Value)
            {
                size += value.Length;
            }
        }

        return size;
    }
}
