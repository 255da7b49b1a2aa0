using System.Text.Json.Serialization;

namespace Outpost.Gateway.Queue.Http;

/// <summary>
/// Source-generated JSON for the local API's management answers (status, dead letters): snake_case with durations in
/// whole seconds, as in everything else gwe emits (<c>engine_report</c>, <c>usage_report</c>, the control socket) and
/// the cloud's management API, so <c>GET /status</c> and <c>engine_report.gmq</c> name the same figure the same way.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, Converters = [typeof(WholeSecondsConverter)])]
[JsonSerializable(typeof(GmqStatus))]
[JsonSerializable(typeof(List<DeadLetterSummary>))]
[JsonSerializable(typeof(List<DeadLetterValue>))]
[JsonSerializable(typeof(DeadLetterRetry))]
[JsonSerializable(typeof(DeadLetterPurge))]
internal sealed partial class GmqJsonContext : JsonSerializerContext;
