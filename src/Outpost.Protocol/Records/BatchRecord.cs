using System.Text.Json.Serialization;

namespace Outpost.Protocol.Records;

/// <summary>
/// One value in the idempotent batch GMQ's forwarder sends to <c>POST /api/v1/device/records</c>.
/// </summary>
/// <param name="Id">The client's message id: a retried batch carrying it again is acknowledged, not stored twice.</param>
/// <param name="Alias">The alias written.</param>
/// <param name="Ts">Capture time, epoch milliseconds.</param>
/// <param name="Value">The value as text.</param>
public sealed record BatchRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("alias")] string Alias,
    [property: JsonPropertyName("ts")] long Ts,
    [property: JsonPropertyName("value")] string Value);
