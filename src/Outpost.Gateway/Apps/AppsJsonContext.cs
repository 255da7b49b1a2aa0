using System.Text.Json.Serialization;

namespace Outpost.Gateway.Apps;

/// <summary>Source-generated JSON for gwe's own state files (installed apps, journal).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(List<InstalledApp>))]
[JsonSerializable(typeof(JournalEntry))]
internal sealed partial class AppsJsonContext : JsonSerializerContext;
