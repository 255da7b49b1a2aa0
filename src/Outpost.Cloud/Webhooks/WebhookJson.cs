using System.Text.Json;

namespace Outpost.Cloud.Webhooks;

/// <summary>The webhook body's JSON: snake_case like the management API.</summary>
internal static class WebhookJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
