using System.Text.Json;
using Outpost.Cloud.Content;
using Outpost.Cloud.Management.Contracts;
using Outpost.Cloud.Registry;

namespace Outpost.Cloud.Management;

/// <summary>Registry records to API shapes.</summary>
internal static class Mapping
{
    public static ProductDto ToDto(this Product p, int? deviceCount = null) => new(
        p.Id,
        p.Name,
        RegistryText.Of(p.Provisioning),
        new WriteLimitDto(p.WriteLimit.PerSecond, p.WriteLimit.Burst),
        p.StagingOf,
        p.Created,
        p.Resources.Select(r => new ResourceDto(r.Alias, RegistryText.Of(r.Format), r.Settable)).ToList(),
        deviceCount);

    /// <summary>The API shape of <paramref name="d"/>; <paramref name="lastSeen"/> (see <see cref="LastSeenTracker.LastSeen"/>) replaces the stored time.</summary>
    public static DeviceDto ToDto(this Device d, DateTimeOffset? lastSeen = null) => new(
        d.ProductId,
        d.Serial,
        RegistryText.Of(d.Status),
        d.Tags,
        ParseJson(d.Metadata),
        d.Created,
        d.Activated,
        lastSeen ?? d.LastSeen);

    public static ContentDto ToDto(this ContentItem c) => new(c.Id, c.Size, c.Sha256, c.ContentType, c.Meta, c.Updated);

    public static TokenDto ToDto(this ApiToken t) => new(t.Id, t.Name, t.Role.ToString().ToLowerInvariant(), t.Created, t.Revoked);

    private static JsonElement ParseJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }
}
