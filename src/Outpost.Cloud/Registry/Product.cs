namespace Outpost.Cloud.Registry;

/// <summary>A product: a class of devices sharing aliases, content and settings.</summary>
internal sealed record Product(
    string Id,
    string Name,
    ProvisioningMode Provisioning,
    WriteLimit WriteLimit,
    string? StagingOf,
    DateTimeOffset Created,
    IReadOnlyList<Resource> Resources)
{
    public Resource? FindResource(string alias)
    {
        foreach (var resource in Resources)
        {
            if (string.Equals(resource.Alias, alias, StringComparison.Ordinal))
            {
                return resource;
            }
        }

        return null;
    }
}
