namespace Outpost.Gateway.Apps;

/// <summary>One installed version of an app, as the installed-apps record keeps it.</summary>
/// <param name="Version">The VERSION of its tarball.</param>
/// <param name="Slot">Its directory, <c>apps/&lt;name&gt;/&lt;version&gt;</c>.</param>
/// <param name="AppDirectory">Where <c>install.sh</c> sits: the slot, or its single top-level folder.</param>
/// <param name="Sha256">The tarball's sha256.</param>
/// <param name="InstalledAt">When it became current.</param>
/// <param name="Supervised">Whether it has a supervisor program (false: a one-off app).</param>
internal sealed record InstalledVersion(string Version, string Slot, string AppDirectory, string? Sha256, DateTimeOffset InstalledAt, bool Supervised);
