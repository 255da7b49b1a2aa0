namespace Outpost.Cloud.Management.Contracts;

/// <summary>Body of <c>POST /api/v1/products</c>.</summary>
internal sealed record CreateProductRequest(
    string? Name,
    string? Id = null,
    string? Template = null,
    string? Provisioning = null,
    WriteLimitDto? WriteLimit = null);

/// <summary>Body of <c>PATCH /api/v1/products/{pid}</c>.</summary>
internal sealed record UpdateProductRequest(string? Name = null, string? Provisioning = null, WriteLimitDto? WriteLimit = null);

/// <summary>Body of <c>POST /api/v1/products/{pid}/clone</c>.</summary>
internal sealed record CloneProductRequest(string? Id = null, string? Name = null, string? StagingOf = null);

/// <summary>A per-device write limit: sustained writes per second, and the burst allowed above it.</summary>
internal sealed record WriteLimitDto(double PerSecond, int Burst);

/// <summary>A product alias as the API shows it.</summary>
internal sealed record ResourceDto(string Alias, string Format, bool Settable);

/// <summary>A product as the API shows it.</summary>
internal sealed record ProductDto(
    string Id,
    string Name,
    string Provisioning,
    WriteLimitDto WriteLimit,
    string? StagingOf,
    DateTimeOffset Created,
    IReadOnlyList<ResourceDto> Resources,
    int? DeviceCount = null);
