namespace Outpost.Gateway.Control;

/// <summary>One line of <c>gwe status</c> on the wire.</summary>
/// <param name="Name">Program name (<c>gwe</c> and <c>gmq</c> for the daemon's own components).</param>
/// <param name="State">supervisord's state name: <c>RUNNING</c>, <c>EXITED</c>, …</param>
/// <param name="Pid">The process id when running (the daemon's own for <c>gwe</c> and <c>gmq</c>).</param>
/// <param name="UptimeSeconds">Whole seconds up, 0 when not running.</param>
/// <param name="ExitCode">The last exit code, when known.</param>
/// <param name="Restarts">Automatic restarts (the built-in supervisor counts them; supervisord does not).</param>
/// <param name="Description">supervisorctl's description column.</param>
internal sealed record StatusEntry(string Name, string State, int? Pid, long UptimeSeconds, int? ExitCode, int Restarts, string Description);
