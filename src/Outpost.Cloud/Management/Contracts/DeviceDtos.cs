using System.Text.Json;

namespace Outpost.Cloud.Management.Contracts;

/// <summary>Body of <c>POST /api/v1/products/{pid}/devices</c>: one serial or many.</summary>
internal sealed record AddDevicesRequest(
    string? Serial = null,
    IReadOnlyList<string>? Serials = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    JsonElement? Metadata = null);

/// <summary>Answer to adding devices.</summary>
internal sealed record AddDevicesResponse(IReadOnlyList<string> Added, IReadOnlyList<string> Existing);

/// <summary>Body of <c>PATCH …/devices/{serial}</c>: tags to set (a null value removes the tag), new metadata.</summary>
internal sealed record UpdateDeviceRequest(IReadOnlyDictionary<string, string?>? Tags = null, JsonElement? Metadata = null);

/// <summary>A device as the API shows it. The CIK is never shown: only the device itself ever holds it.</summary>
internal sealed record DeviceDto(
    string ProductId,
    string Serial,
    string Status,
    IReadOnlyDictionary<string, string> Tags,
    JsonElement Metadata,
    DateTimeOffset Created,
    DateTimeOffset? Activated,
    DateTimeOffset? LastSeen);

/// <summary>The latest value of one alias.</summary>
internal sealed record LatestValueDto(string Value, long Ts, DateTimeOffset Time);

/// <summary>One point of a series' history.</summary>
internal sealed record HistoryPointDto(long Ts, DateTimeOffset Time, string Value);
