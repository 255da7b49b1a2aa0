using System.Text;

namespace Outpost.Cloud.DeviceApi;

/// <summary>
/// Writes device-API answers the way old clients need them: <c>text/plain; charset=utf-8</c> exactly,
/// <c>Content-Length</c> set, and the body in one write so status line, headers and body leave in one piece
/// (embedded clients do one <c>recv(1024)</c> and close).
/// </summary>
internal static class PlainResponse
{
    public const string TextPlain = "text/plain; charset=utf-8";

    public static Task WriteAsync(HttpContext context, int status, string? body, string contentType = TextPlain)
    {
        var response = context.Response;
        response.StatusCode = status;
        if (body is null || status is 204 or 304)
        {
            response.ContentLength = 0;
            return Task.CompletedTask;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    public static Task ErrorAsync(HttpContext context, int status, string message) => WriteAsync(context, status, message);
}
