using System.Text.Json;

namespace Outpost.Cloud.Webhooks;

/// <summary>
/// The webhook body's JSON: snake_case like the management API, and text as it is (<c>Bob's &lt;box&gt;</c>, not
/// <c>Bob\u0027s \u003Cbox\u003E</c>): people read these bodies in receivers' logs and in <c>outpost rule deliveries</c>,
/// and no receiver embeds them in HTML unescaped.
/// </summary>
internal static class WebhookJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
