using System.Text.Json.Serialization;

namespace Outpost.Gateway.Apps;

/// <summary>
/// The seed's JSON buildfile, <c>gwe.build</c>: what <c>gwe -y</c> packs into <c>NAME.vVERSION.tar.gz</c>.
/// Paths in <see cref="Includes"/> and <see cref="Excludes"/> are relative to the buildfile's directory and may be globs
/// (<c>*</c>, <c>**</c>, <c>?</c>); an included directory brings its whole tree.
/// </summary>
internal sealed record Buildfile
{
    /// <summary>The default file name.</summary>
    public const string DefaultFileName = "gwe.build";

    /// <summary>NAME of the tarball.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>VERSION of the tarball.</summary>
    [JsonPropertyName("version")]
    public string? Version { get; init; }

    /// <summary>Files, directories and globs to pack.</summary>
    [JsonPropertyName("includes")]
    public IReadOnlyList<string>? Includes { get; init; }

    /// <summary>Globs to leave out of what <see cref="Includes"/> matched.</summary>
    [JsonPropertyName("excludes")]
    public IReadOnlyList<string>? Excludes { get; init; }

    /// <summary>Shell commands run (in order, <c>/bin/sh -c</c>, in the buildfile's directory) before packing.</summary>
    [JsonPropertyName("pre_build_cmds")]
    public IReadOnlyList<string>? PreBuildCmds { get; init; }

    /// <summary>Shell commands run after packing.</summary>
    [JsonPropertyName("post_build_cmds")]
    public IReadOnlyList<string>? PostBuildCmds { get; init; }
}
