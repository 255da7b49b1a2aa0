using System.Reflection;

namespace Outpost.Cloud.Hosting;

/// <summary>The build's version and git commit (from InformationalVersion <c>x.y.z+sha</c>).</summary>
internal static class VersionInfo
{
    public static string Text { get; } =
        typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
