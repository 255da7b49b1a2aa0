using System.Text.Json;
using System.Text.Json.Serialization;

namespace Outpost.Gateway.Apps;

/// <summary>How buildfiles are read and written: indented, the seed's snake_case keys (named on <see cref="Buildfile"/>),
/// unknown keys rejected, comments and trailing commas tolerated. Source-generated, so it works trimmed and AOT.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(Buildfile))]
internal sealed partial class BuildfileJsonContext : JsonSerializerContext;
