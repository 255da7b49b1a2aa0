namespace Outpost.Gateway.Daemon;

/// <summary>Who the running daemon is: its pid and when it started (for the <c>gwe</c> line of <c>gwe status</c>).</summary>
/// <param name="Pid">The daemon's process id.</param>
/// <param name="StartedAt">When the daemon started, by its <see cref="TimeProvider"/>.</param>
internal sealed record DaemonInfo(int Pid, DateTimeOffset StartedAt);
