using System.Text.Unicode;

namespace Outpost.Cloud.Management;

/// <summary>
/// Refuses a management-API request whose JSON or YAML body is not valid UTF-8, with a 400, before anything binds it.
/// </summary>
/// <remarks>
/// System.Text.Json binds such a body without complaint when the bad bytes sit in a property name: an unknown field
/// is skipped (the call then succeeded with the field ignored), a <c>JsonElement</c> body fails only when a handler
/// reads the name (a 500). Checking the bytes once, here, covers every handler. Bodies are small (Kestrel's limit is
/// 16 MiB; uploads are raw bytes, not checked); the body is buffered and rewound for the handler.
/// </remarks>
internal sealed class TextBodyGuard(RequestDelegate next)
{
    /// <summary>Management requests with a text body this guard checks: everything under /api/v1 but the device's batch endpoint.</summary>
    public static bool Applies(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path;
        if (!path.StartsWithSegments("/api/v1", StringComparison.Ordinal) || path.StartsWithSegments("/api/v1/device", StringComparison.Ordinal)
            || request.ContentLength == 0 || request.ContentType is not { } contentType)
        {
            return false;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("yaml", StringComparison.OrdinalIgnoreCase);
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        request.EnableBuffering();
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        request.Body.Position = 0;
        if (!Utf8.IsValid(body.GetBuffer().AsSpan(0, (int)body.Length)))
        {
            await Problems.BadRequest("the body is not valid UTF-8").ExecuteAsync(context);
            return;
        }

        await next(context);
    }
}
