using System.Text.Json.Serialization;

namespace Outpost.Gateway.Queue.Http;

/// <summary>Source-generated JSON for the local API's management answers (status, dead letters), camelCase.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(GmqStatus))]
[JsonSerializable(typeof(List<DeadLetterSummary>))]
[JsonSerializable(typeof(DeadLetterRetry))]
internal sealed partial class GmqJsonContext : JsonSerializerContext;
