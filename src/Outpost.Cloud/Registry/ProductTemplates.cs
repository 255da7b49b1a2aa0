using Outpost.Protocol.Aliases;

namespace Outpost.Cloud.Registry;

/// <summary>Ready-made sets of aliases a product can be created with.</summary>
internal static class ProductTemplates
{
    /// <summary>The six aliases the gateway engine uses (seed 002).</summary>
    public static IReadOnlyList<Resource> Gateway { get; } = GatewayAliases.All
        .Select(a => new Resource(a.Alias, a.Format == "json" ? ResourceFormat.Json : ResourceFormat.String, a.Settable))
        .ToList();
}
