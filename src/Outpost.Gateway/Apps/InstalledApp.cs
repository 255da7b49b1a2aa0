namespace Outpost.Gateway.Apps;

/// <summary>An app in the installed-apps record: the current version and the one before it (the rollback target).</summary>
/// <param name="Name">The app name.</param>
/// <param name="Current">The version running (or installed, for a one-off).</param>
/// <param name="Previous">The version before, kept on disk for <c>rollback</c>; null when there is none.</param>
internal sealed record InstalledApp(string Name, InstalledVersion Current, InstalledVersion? Previous);
