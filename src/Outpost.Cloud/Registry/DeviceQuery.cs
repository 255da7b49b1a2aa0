namespace Outpost.Cloud.Registry;

/// <summary>A device listing filter: every given tag must match; <paramref name="Limit"/> caps the page.</summary>
internal sealed record DeviceQuery(
    DeviceStatus? Status = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    IReadOnlyList<string>? Serials = null,
    int Limit = 1000,
    string? After = null);
