namespace Outpost.Cloud.Hosting;

/// <summary>
/// Decodes <c>%2F</c> in the management API's route values before the endpoint binds them. Kestrel decodes a request
/// path except <c>%2F</c> (so an escaped slash cannot change which route matches), which left ids holding a '/' —
/// <c>outpost content upload … --id bad/id</c>, <c>outpost token revoke ../x</c> — as <c>bad%2Fid</c> in every handler
/// and every message that names them. Routing has already matched here: decoding cannot reroute the request.
/// </summary>
internal static class EscapedSlashes
{
    private const string ApiPrefix = "/api/v1";

    public static Task DecodeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.StartsWithSegments(ApiPrefix, StringComparison.Ordinal))
        {
            var values = context.Request.RouteValues;
            foreach (var (key, value) in values.ToList())
            {
                if (value is string text && text.Contains("%2F", StringComparison.OrdinalIgnoreCase))
                {
                    values[key] = text.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
                }
            }
        }

        return next(context);
    }
}
