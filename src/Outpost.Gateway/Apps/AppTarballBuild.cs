namespace Outpost.Gateway.Apps;

/// <summary>The outcome of <c>gwe -y</c>.</summary>
/// <param name="Problems">Buildfile, build-command or tarball-check problems; empty when the tarball is good.</param>
/// <param name="TarballPath">The tarball written, if the build got that far.</param>
/// <param name="Check">The check of that tarball, if it ran.</param>
internal sealed record AppTarballBuild(IReadOnlyList<string> Problems, string? TarballPath, TarballCheckResult? Check)
{
    /// <summary>Whether a good tarball was built.</summary>
    public bool Succeeded => Problems.Count == 0;
}
