using System.Reflection;

namespace Outpost.Gateway.Engine;

/// <summary>
/// What this gwe build is, so a field build is traceable to source: the version, the git commit it was built from (the
/// <c>+sha</c> the build stamps into the informational version) and the build date (<c>AssemblyMetadata</c>
/// <c>BuildDate</c>); both stamped by Directory.Build.targets, <c>unknown</c> when the build had no git.
/// </summary>
internal static class GweVersion
{
    private static readonly Assembly Self = typeof(GweVersion).Assembly;

    private static readonly string Informational =
        Self.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The version, e.g. <c>0.1.0</c>.</summary>
    public static string Version => Informational.Split('+')[0];

    /// <summary>The commit, or <c>unknown</c>.</summary>
    public static string Commit => Informational.Contains('+', StringComparison.Ordinal) ? Informational[(Informational.IndexOf('+', StringComparison.Ordinal) + 1)..] : "unknown";

    /// <summary>The UTC day it was built (<c>yyyy-MM-dd</c>), or <c>unknown</c>.</summary>
    public static string BuildDate =>
        Self.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "BuildDate")?.Value is { Length: > 0 } date ? date : "unknown";

    /// <summary>One line for <c>gwe -v</c> and the daemon's start log: <c>gwe 0.1.0 (commit 3026a184d70e, built 2026-11-23)</c>.</summary>
    public static string Describe() => $"gwe {Version} (commit {Commit}, built {BuildDate})";
}
