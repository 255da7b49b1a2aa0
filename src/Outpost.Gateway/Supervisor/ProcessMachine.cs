using Outpost.Gateway.Supervisor.Config;

namespace Outpost.Gateway.Supervisor;

/// <summary>The pure core of one supervised program: supervisord's process state machine.</summary>
/// <remarks>
/// <para>Data in, decision out: <see cref="Step"/> takes an event, the program's settings and the time now (the shell
/// reads it from its <see cref="TimeProvider"/>) and returns the next machine and the actions for the shell (spawn,
/// timers, signals). No clock of its own, no processes, no threads.</para>
/// <para>Rules, as supervisord's: a process that exits before <c>startsecs</c> goes to BACKOFF and is retried after
/// 1 s, 2 s, 3 s…; after <c>startretries</c> retries it is FATAL. A process that reached RUNNING and exits goes to
/// EXITED and, when <c>autorestart</c> says so, back to STARTING: at once when it ran for <see cref="MinimumRun"/> or
/// more, otherwise when <see cref="MinimumRun"/> has passed since its start (EXITED with a restart pending meanwhile).
/// Why: with <c>startsecs=0</c> a program that exits at once is RUNNING on every spawn, so it never reaches BACKOFF or
/// FATAL (as in supervisord, whose documentation makes 0 mean "needn't stay running for any time"); supervisord's
/// 1 s main-loop tick spaces such restarts about a second apart, and without the wait this machine, which acts on the
/// exit itself, restarted hundreds of times a second. A process that crashes after running longer is restarted with no
/// delay — supervisord notices that exit on its next tick, this machine on the exit.</para>
/// </remarks>
/// <param name="State">The current state.</param>
/// <param name="Backoff">Failed starts in a row (supervisord's <c>backoff</c>); reset on RUNNING and on an operator start.</param>
/// <param name="Generation">The spawn number of the current (or last) process; stale timer and exit events name an older one.</param>
/// <param name="Restarts">Automatic spawns since the program was added (retries and autorestarts, not operator starts).</param>
/// <param name="ExitCode">The last exit code, or <see langword="null"/> if the program never exited.</param>
/// <param name="ExitExpected">Whether <see cref="ExitCode"/> was listed in <c>exitcodes</c>.</param>
/// <param name="SpawnError">Why the last start failed (shown for BACKOFF and FATAL), or <see langword="null"/>.</param>
/// <param name="SpawnedAt">When the current (or last) process was spawned, or <see langword="null"/> if none was.</param>
/// <param name="QuickExits">Automatic restarts in a row of runs shorter than <see cref="MinimumRun"/>; reset by a
/// longer run and by an operator start or stop. The shell logs the restarts of such a loop quietly after the first.</param>
/// <param name="RestartPending">In EXITED: an automatic restart is scheduled (a stop cancels it).</param>
internal sealed record ProcessMachine(
    ProcessState State,
    int Backoff,
    int Generation,
    int Restarts,
    int? ExitCode,
    bool ExitExpected,
    string? SpawnError,
    DateTimeOffset? SpawnedAt = null,
    int QuickExits = 0,
    bool RestartPending = false)
{
    /// <summary>A run shorter than this is restarted only when this long has passed since its start.</summary>
    public static readonly TimeSpan MinimumRun = TimeSpan.FromSeconds(1);

    /// <summary>supervisord's message for a process that exited before <c>startsecs</c>.</summary>
    public const string ExitedTooQuickly = "Exited too quickly (process log may have details)";

    /// <summary>A program that has never run.</summary>
    public static ProcessMachine Initial { get; } = new(ProcessState.Stopped, 0, 0, 0, null, false, null);

    /// <summary>Applies <paramref name="e"/>, which happened at <paramref name="now"/>, under <paramref name="config"/>'s settings.</summary>
    public Transition Step(ProcessEvent e, ProgramConfig config, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(config);
        return (State, e) switch
        {
            (ProcessState.Stopped or ProcessState.Exited or ProcessState.Fatal or ProcessState.Unknown, ProcessEvent.StartRequested) =>
                SpawnNext(this with { Backoff = 0, SpawnError = null, QuickExits = 0 }, automatic: false, []),
            (ProcessState.Starting or ProcessState.Running or ProcessState.Backoff, ProcessEvent.StartRequested) =>
                Reject("already started"),
            (ProcessState.Stopping, ProcessEvent.StartRequested) =>
                Reject("still stopping"),

            (ProcessState.Starting, ProcessEvent.Spawned) when config.StartSecs == 0 =>
                Go(this with { Backoff = 0, SpawnedAt = now }, [ProcessState.Running]),
            (ProcessState.Starting, ProcessEvent.Spawned) =>
                new Transition(this with { SpawnedAt = now }, [], [new ProcessAction.ScheduleStartCheck(TimeSpan.FromSeconds(config.StartSecs), Generation)]),

            (ProcessState.Starting, ProcessEvent.SpawnFailed failed) =>
                FailedStart(failed.Reason, config),

            (ProcessState.Starting, ProcessEvent.StartSecsElapsed t) when t.Generation == Generation =>
                Go(this with { Backoff = 0, SpawnError = null }, [ProcessState.Running]),

            (ProcessState.Backoff, ProcessEvent.BackoffElapsed t) when t.Generation == Generation =>
                SpawnNext(this, automatic: true, []),
            (ProcessState.Exited, ProcessEvent.RestartDelayElapsed t) when RestartPending && t.Generation == Generation =>
                SpawnNext(this, automatic: true, []),

            (ProcessState.Starting, ProcessEvent.Exited x) when x.Generation == Generation =>
                FailedStart(ExitedTooQuickly, config, x.ExitCode),
            (ProcessState.Running, ProcessEvent.Exited x) when x.Generation == Generation =>
                ExitedFromRunning(x.ExitCode, config, now),
            (ProcessState.Stopping, ProcessEvent.Exited x) when x.Generation == Generation =>
                Go(this with { ExitCode = x.ExitCode, ExitExpected = config.ExitCodes.Contains(x.ExitCode) }, [ProcessState.Stopped]),

            (ProcessState.Starting or ProcessState.Running, ProcessEvent.StopRequested) =>
                Go(this with { QuickExits = 0 }, [ProcessState.Stopping],
                    new ProcessAction.SendSignal(config.StopSignal, config.StopAsGroup),
                    new ProcessAction.ScheduleKill(TimeSpan.FromSeconds(config.StopWaitSecs), Generation)),
            (ProcessState.Backoff, ProcessEvent.StopRequested) =>
                Go(this with { Backoff = 0 }, [ProcessState.Stopped]),
            (ProcessState.Exited, ProcessEvent.StopRequested) when RestartPending =>
                Go(this with { RestartPending = false, QuickExits = 0 }, [ProcessState.Stopped]),
            (ProcessState.Stopping, ProcessEvent.StopRequested) =>
                Reject("already stopping"),
            (_, ProcessEvent.StopRequested) =>
                Reject("not running"),

            (ProcessState.Stopping, ProcessEvent.StopTimeoutElapsed t) when t.Generation == Generation =>
                Stay([new ProcessAction.Kill(config.KillAsGroup)]),

            // Anything else is an event for a state the machine has left (a late timer, a stale exit): ignore it.
            _ => Stay([]),
        };
    }

    private Transition FailedStart(string reason, ProgramConfig config, int? exitCode = null)
    {
        var next = this with { Backoff = Backoff + 1, SpawnError = reason, ExitCode = exitCode ?? ExitCode, ExitExpected = false };
        if (next.Backoff > config.StartRetries)
        {
            return Go(next with { Backoff = 0 }, [ProcessState.Backoff, ProcessState.Fatal]);
        }

        // supervisord waits one more second for each failed attempt in a row.
        return Go(next, [ProcessState.Backoff], new ProcessAction.ScheduleRetry(TimeSpan.FromSeconds(next.Backoff), Generation));
    }

    private Transition ExitedFromRunning(int exitCode, ProgramConfig config, DateTimeOffset now)
    {
        var expected = config.ExitCodes.Contains(exitCode);
        var exited = this with { ExitCode = exitCode, ExitExpected = expected, SpawnError = expected ? null : "Bad exit code" };
        var restart = config.AutoRestart == AutoRestart.Always || (config.AutoRestart == AutoRestart.Unexpected && !expected);
        if (!restart)
        {
            return Go(exited with { QuickExits = 0 }, [ProcessState.Exited]);
        }

        // A machine put in RUNNING without a spawn (tests) has no start time: treat its run as long.
        var due = SpawnedAt is { } spawnedAt ? spawnedAt + MinimumRun : now;
        if (due <= now)
        {
            return SpawnNext(exited with { QuickExits = 0 }, automatic: true, [ProcessState.Exited]);
        }

        return Go(
            exited with { QuickExits = QuickExits + 1, RestartPending = true },
            [ProcessState.Exited],
            new ProcessAction.ScheduleRestart(due - now, Generation));
    }

    private static Transition SpawnNext(ProcessMachine current, bool automatic, IReadOnlyList<ProcessState> before)
    {
        var next = current with
        {
            Generation = current.Generation + 1,
            Restarts = current.Restarts + (automatic ? 1 : 0),
            RestartPending = false,
        };
        return Go(next, [.. before, ProcessState.Starting], new ProcessAction.Spawn(next.Generation));
    }

    private static Transition Go(ProcessMachine next, IReadOnlyList<ProcessState> entered, params ProcessAction[] actions) =>
        new(next with { State = entered[^1] }, entered, actions);

    private Transition Stay(IReadOnlyList<ProcessAction> actions) => new(this, [], actions);

    private Transition Reject(string why) => new(this, [], [], why);
}
