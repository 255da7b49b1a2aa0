using System.Reflection;

namespace Outpost.Gateway.Engine;

/// <summary>The engine's version and the git commit it was built from (the <c>+sha</c> of the informational version).</summary>
internal static class GweVersion
{
    private static readonly string Informational =
        typeof(GweVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The version, e.g. <c>0.1.0</c>.</summary>
    public static string Version => Informational.Split('+')[0];

    /// <summary>The commit, or <c>unknown</c>.</summary>
    public static string Commit => Informational.Contains('+', StringComparison.Ordinal) ? Informational[(Informational.IndexOf('+', StringComparison.Ordinal) + 1)..] : "unknown";
}
