namespace Outpost.Cloud.Registry;

/// <summary>A device of a product, as the registry holds it. The CIK itself is never stored, only its hash.</summary>
internal sealed record Device(
    long Id,
    string ProductId,
    string Serial,
    DeviceStatus Status,
    IReadOnlyDictionary<string, string> Tags,
    string Metadata,
    DateTimeOffset Created,
    DateTimeOffset? Activated,
    DateTimeOffset? LastSeen);
