namespace Outpost.Gateway.Supervisor;

/// <summary>A snapshot of one program, as <c>gwe status</c> and engine_report show it.</summary>
/// <param name="Name">The program name.</param>
/// <param name="State">Its state.</param>
/// <param name="Pid">The running process's pid, or <see langword="null"/>.</param>
/// <param name="StartedAt">When the current (or last) process was spawned.</param>
/// <param name="StoppedAt">When the last process exited.</param>
/// <param name="Uptime">How long the process has been up (RUNNING, STARTING, STOPPING), else zero.</param>
/// <param name="ExitCode">The last exit code, or <see langword="null"/>.</param>
/// <param name="Restarts">Automatic restarts since the program was added.</param>
/// <param name="SpawnError">Why the last start failed, or <see langword="null"/>.</param>
/// <param name="Description">supervisorctl's description column: <c>pid 579, uptime 0:00:20</c>, <c>Nov 23 04:05 PM</c>…</param>
internal sealed record ProgramStatus(
    string Name,
    ProcessState State,
    int? Pid,
    DateTimeOffset? StartedAt,
    DateTimeOffset? StoppedAt,
    TimeSpan Uptime,
    int? ExitCode,
    int Restarts,
    string? SpawnError,
    string Description);
