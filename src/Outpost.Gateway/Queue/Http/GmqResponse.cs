using System.Text;
using Microsoft.AspNetCore.Http;

namespace Outpost.Gateway.Queue.Http;

/// <summary>
/// Writes answers the way the cloud's device API does, because apps written for it talk to GMQ unchanged:
/// <c>text/plain; charset=utf-8</c> exactly, <c>Content-Length</c> always, and the body in one write.
/// </summary>
internal static class GmqResponse
{
    public const string TextPlain = "text/plain; charset=utf-8";
    public const string Json = "application/json; charset=utf-8";

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
}
