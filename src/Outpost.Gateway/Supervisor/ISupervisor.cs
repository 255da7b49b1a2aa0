using Outpost.Gateway.Supervisor.Config;

namespace Outpost.Gateway.Supervisor;

/// <summary>The seam between gwe and whatever runs its apps: the built-in <see cref="ProcessSupervisor"/>, or a real
/// supervisord over XML-RPC (<see cref="Supervisord.SupervisordBackend"/>). The daemon, the control socket
/// (<c>gwe status</c>, …) and the OTA pipeline use only this.</summary>
internal interface ISupervisor
{
    /// <summary>Starts <paramref name="name"/> and waits until it is RUNNING or has failed to start.</summary>
    Task<SupervisorResult> StartAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Stops <paramref name="name"/> and waits until it is STOPPED.</summary>
    Task<SupervisorResult> StopAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Stops <paramref name="name"/> if running, then starts it.</summary>
    Task<SupervisorResult> RestartAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>A snapshot of every program, in start order.</summary>
    Task<IReadOnlyList<ProgramStatus>> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a program; starts it when <c>autostart</c> is set.</summary>
    Task<SupervisorResult> AddAsync(ProgramConfig program, CancellationToken cancellationToken = default);

    /// <summary>Stops and removes a program.</summary>
    Task<SupervisorResult> RemoveAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Makes the running set match <paramref name="programs"/>: adds new, restarts changed, removes missing.</summary>
    Task<UpdateResult> UpdateAsync(IReadOnlyList<ProgramConfig> programs, CancellationToken cancellationToken = default);

    /// <summary>What gwe's own shutdown does to the apps: the built-in supervisor stops them all (highest priority
    /// number first); a real supervisord keeps running them, as it did before gwe started.</summary>
    Task ShutdownAsync(CancellationToken cancellationToken = default);

    /// <summary>The file <c>gwe tail</c> reads for <paramref name="name"/>: its stdout log, or <see langword="null"/>
    /// when the program is unknown or logs nowhere.</summary>
    string? StdoutLogPath(string name);
}
