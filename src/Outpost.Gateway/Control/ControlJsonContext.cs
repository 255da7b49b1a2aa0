using System.Text.Json.Serialization;

namespace Outpost.Gateway.Control;

/// <summary>Source-generated JSON for the control protocol (no reflection, so trimming and AOT keep working).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false)]
[JsonSerializable(typeof(StatusReply))]
[JsonSerializable(typeof(ActionReply))]
[JsonSerializable(typeof(ChangesReply))]
[JsonSerializable(typeof(ErrorReply))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
