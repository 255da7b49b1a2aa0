using System.Text.Json.Serialization;

namespace Outpost.Protocol.Commands;

/// <summary>One app a command names: a tarball (<c>test_app.v1.tar.gz</c>) for install, an app name otherwise.</summary>
/// <param name="Name">The tarball file name (install) or app name.</param>
/// <param name="Sha256">For install: the tarball's expected SHA-256 (lowercase hex), checked before anything is unpacked.</param>
public sealed record EngineTarget(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("sha256"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sha256 = null);
