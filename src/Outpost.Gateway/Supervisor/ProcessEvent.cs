namespace Outpost.Gateway.Supervisor;

/// <summary>An input to <see cref="ProcessMachine"/>: an operator request, a spawn outcome, an exit or a timer.</summary>
/// <remarks>
/// Timer and exit events carry the generation (spawn number) they belong to, so one that arrives after the machine has
/// moved on (a late start-check, the exit of a process already replaced) is recognised as stale and ignored.
/// </remarks>
internal abstract record ProcessEvent
{
    private ProcessEvent()
    {
    }

    /// <summary>An operator (or autostart) asked for the program to start.</summary>
    public sealed record StartRequested : ProcessEvent;

    /// <summary>The spawn action succeeded.</summary>
    /// <param name="Pid">The child's pid.</param>
    public sealed record Spawned(int Pid) : ProcessEvent;

    /// <summary>The spawn action failed (command not found, bad directory, unknown user…).</summary>
    /// <param name="Reason">Why, shown in status as the spawn error.</param>
    public sealed record SpawnFailed(string Reason) : ProcessEvent;

    /// <summary><c>startsecs</c> passed since the spawn of <paramref name="Generation"/>.</summary>
    public sealed record StartSecsElapsed(int Generation) : ProcessEvent;

    /// <summary>The backoff delay after the failed start of <paramref name="Generation"/> passed.</summary>
    public sealed record BackoffElapsed(int Generation) : ProcessEvent;

    /// <summary>The wait before the automatic restart after the quick exit of <paramref name="Generation"/> passed.</summary>
    public sealed record RestartDelayElapsed(int Generation) : ProcessEvent;

    /// <summary>The process of <paramref name="Generation"/> exited with <paramref name="ExitCode"/> (128+N for signal N).</summary>
    public sealed record Exited(int Generation, int ExitCode) : ProcessEvent;

    /// <summary>An operator asked for the program to stop.</summary>
    public sealed record StopRequested : ProcessEvent;

    /// <summary><c>stopwaitsecs</c> passed since the stop signal went to the process of <paramref name="Generation"/>.</summary>
    public sealed record StopTimeoutElapsed(int Generation) : ProcessEvent;
}
