using System.Text.Json.Serialization;

namespace Outpost.Protocol.Records;

/// <summary>Source-generated JSON for the batch wire shapes (no reflection on the hot path, trimming-safe).</summary>
[JsonSerializable(typeof(List<BatchRecord>))]
[JsonSerializable(typeof(BatchAck))]
public sealed partial class RecordsJsonContext : JsonSerializerContext;
