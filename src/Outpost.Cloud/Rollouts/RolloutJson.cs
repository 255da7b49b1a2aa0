using System.Text.Json;
using System.Text.Json.Serialization;

namespace Outpost.Cloud.Rollouts;

/// <summary>How rollout settings and snapshots are kept in the store: JSON with enum names.</summary>
internal static class RolloutJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
