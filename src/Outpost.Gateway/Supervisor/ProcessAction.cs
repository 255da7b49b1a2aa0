namespace Outpost.Gateway.Supervisor;

/// <summary>An effect <see cref="ProcessMachine"/> asks the I/O shell to carry out.</summary>
internal abstract record ProcessAction
{
    private ProcessAction()
    {
    }

    /// <summary>Start the program's process; report back with Spawned or SpawnFailed.</summary>
    /// <param name="Generation">The spawn number the new process belongs to.</param>
    public sealed record Spawn(int Generation) : ProcessAction;

    /// <summary>Raise StartSecsElapsed after <paramref name="Delay"/>.</summary>
    public sealed record ScheduleStartCheck(TimeSpan Delay, int Generation) : ProcessAction;

    /// <summary>Raise BackoffElapsed after <paramref name="Delay"/>.</summary>
    public sealed record ScheduleRetry(TimeSpan Delay, int Generation) : ProcessAction;

    /// <summary>Raise RestartDelayElapsed after <paramref name="Delay"/> (a quick exit's restart waits out the rest of
    /// <see cref="ProcessMachine.MinimumRun"/>).</summary>
    public sealed record ScheduleRestart(TimeSpan Delay, int Generation) : ProcessAction;

    /// <summary>Send the stop signal to the process, or to its whole process group.</summary>
    public sealed record SendSignal(UnixSignal Signal, bool ToGroup) : ProcessAction;

    /// <summary>Raise StopTimeoutElapsed after <paramref name="Delay"/>.</summary>
    public sealed record ScheduleKill(TimeSpan Delay, int Generation) : ProcessAction;

    /// <summary>Send SIGKILL to the process, or to its whole process group.</summary>
    public sealed record Kill(bool ToGroup) : ProcessAction;
}
