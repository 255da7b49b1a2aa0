namespace Outpost.Gateway.Release;

/// <summary>
/// The release areas of <c>gwe --download-latest</c> (seed 002) and which release package each picks from a content
/// area's ids. Outpost has no public release server: the area is the gateway's own product content area, where an
/// operator uploads <c>GatewayEngine.vVERSION.tar.gz</c> packages (build/package-gwe.sh).
/// </summary>
/// <remarks>
/// <c>gmq-master</c>: the newest stable version (no prerelease suffix). <c>gmq-dev</c>: the newest, prereleases
/// included. The seed's <c>baseline-master</c>/<c>baseline-dev</c> (a build without GMQ) do not exist: Outpost builds one
/// engine, with GMQ in the daemon, and has no switch to build or run it without. Newest = semver precedence
/// (<see cref="ReleaseVersion"/>); ids that are not <c>GatewayEngine.vSEMVER.tar.gz</c> are not packages and are
/// ignored; two ids of equal precedence (they differ in build metadata only) are ordered by id, so the pick is stable.
/// </remarks>
internal sealed record ReleaseArea(string Name, bool IncludesPrereleases)
{
    /// <summary>What a package's content id starts with.</summary>
    public const string PackagePrefix = "GatewayEngine.v";

    /// <summary>What a package's content id ends with.</summary>
    public const string PackageSuffix = ".tar.gz";

    /// <summary>The areas that exist, for messages.</summary>
    public const string Known = "gmq-master (newest stable) and gmq-dev (newest, prereleases included)";

    /// <summary>The area named <paramref name="name"/>, or null with why not.</summary>
    public static ReleaseArea? TryParse(string name, out string error)
    {
        error = string.Empty;
        switch (name)
        {
            case "gmq-master":
                return new ReleaseArea(name, IncludesPrereleases: false);
            case "gmq-dev":
                return new ReleaseArea(name, IncludesPrereleases: true);
            case "baseline-master" or "baseline-dev":
                error = $"there is no {name} release area: Outpost builds one engine, with GMQ; the release areas are {Known}";
                return null;
            default:
                error = $"unknown release area '{name}'; the release areas are {Known}";
                return null;
        }
    }

    /// <summary>The version in a package's content id (<c>GatewayEngine.v1.2.0.tar.gz</c>), or null when it is not one.</summary>
    public static ReleaseVersion? VersionOf(string contentId) =>
        contentId.StartsWith(PackagePrefix, StringComparison.Ordinal) && contentId.EndsWith(PackageSuffix, StringComparison.Ordinal)
            && contentId.Length > PackagePrefix.Length + PackageSuffix.Length
            ? ReleaseVersion.TryParse(contentId[PackagePrefix.Length..^PackageSuffix.Length])
            : null;

    /// <summary>The content id of the package this area picks among <paramref name="contentIds"/>, or null when none fits.</summary>
    public string? Pick(IEnumerable<string> contentIds)
    {
        ArgumentNullException.ThrowIfNull(contentIds);
        (string Id, ReleaseVersion Version)? best = null;
        foreach (var id in contentIds)
        {
            if (VersionOf(id) is not { } version || (version.IsPrerelease && !IncludesPrereleases))
            {
                continue;
            }

            var order = best is null ? 1 : version.CompareTo(best.Value.Version);
            if (order > 0 || (order == 0 && string.CompareOrdinal(id, best!.Value.Id) > 0))
            {
                best = (id, version);
            }
        }

        return best?.Id;
    }
}
