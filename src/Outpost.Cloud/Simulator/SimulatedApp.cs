namespace Outpost.Cloud.Simulator;

/// <summary>One app on a simulated gateway, as the real gwe's inventory and supervisor would see it.</summary>
/// <param name="Name">App name (<c>test_app</c>).</param>
/// <param name="Version">The version installed now.</param>
/// <param name="Previous">The version before it (what <c>rollback</c> returns to), if any.</param>
/// <param name="Since">When this version started (uptime, and how long a crash loop has run).</param>
/// <param name="Crashing">Whether this version crash-loops.</param>
/// <param name="Stopped">Stopped by a <c>stop</c> command.</param>
internal sealed record SimulatedApp(string Name, string Version, string? Previous, DateTimeOffset Since, bool Crashing = false, bool Stopped = false);
