using System.Text.Json.Serialization;

namespace Outpost.Protocol.Reports;

/// <summary>
/// Source-generated JSON for the gateway reports, in the snake_case the aliases carry
/// (<c>exit_code</c>, <c>rx_since_last</c>). One definition for gwe, the simulator and the rollout engine.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EngineReport))]
[JsonSerializable(typeof(UsageReport))]
[JsonSerializable(typeof(DeviceInfo))]
[JsonSerializable(typeof(FetchStatus))]
public sealed partial class ReportsJsonContext : JsonSerializerContext;
