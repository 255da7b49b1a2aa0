namespace Outpost.Cloud.Registry;

/// <summary>A change to a device's tags and metadata; null members stay as they are.</summary>
/// <param name="SetTags">Tags to add or overwrite.</param>
/// <param name="RemoveTags">Tag keys to remove.</param>
/// <param name="Metadata">New metadata JSON (replaces the old), or null.</param>
internal sealed record DeviceChange(
    IReadOnlyDictionary<string, string>? SetTags,
    IReadOnlyList<string>? RemoveTags,
    string? Metadata);
