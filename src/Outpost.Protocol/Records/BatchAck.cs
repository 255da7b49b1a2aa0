using System.Text.Json.Serialization;

namespace Outpost.Protocol.Records;

/// <summary>The cloud's answer to a batch: every id it now holds (new or seen before).</summary>
/// <param name="Accepted">The message ids acknowledged.</param>
public sealed record BatchAck([property: JsonPropertyName("accepted")] IReadOnlyList<string> Accepted);
