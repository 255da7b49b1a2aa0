using Outpost.Gateway.Supervisor.Config;

namespace Outpost.Gateway.Supervisor;

/// <summary>The pure core of one supervised program: supervisord's process state machine.</summary>
/// <remarks>
/// <para>Data in, decision out: <see cref="Step"/> takes an event and the program's settings and returns the next machine
/// and the actions for the shell (spawn, timers, signals). No clock, no processes, no threads.</para>
/// <para>Rules, as supervisord's: a process that exits before <c>startsecs</c> goes to BACKOFF and is retried after
/// 1 s, 2 s, 3 s…; after <c>startretries</c> retries it is FATAL. A process that reached RUNNING and exits goes to
/// EXITED and, when <c>autorestart</c> says so, straight back to STARTING with no delay — backoff is only for crash
/// loops. The one deliberate difference: supervisord notices an exit on its next 1 s tick, this machine on the exit.</para>
/// </remarks>
/// <param name="State">The current state.</param>
/// <param name="Backoff">Failed starts in a row (supervisord's <c>backoff</c>); reset on RUNNING and on an operator start.</param>
/// <param name="Generation">The spawn number of the current (or last) process; stale timer and exit events name an older one.</param>
/// <param name="Restarts">Automatic spawns since the program was added (retries and autorestarts, not operator starts).</param>
/// <param name="ExitCode">The last exit code, or <see langword="null"/> if the program never exited.</param>
/// <param name="ExitExpected">Whether <see cref="ExitCode"/> was listed in <c>exitcodes</c>.</param>
/// <param name="SpawnError">Why the last start failed (shown for BACKOFF and FATAL), or <see langword="null"/>.</param>
internal sealed record ProcessMachine(
    ProcessState State,
    int Backoff,
    int Generation,
    int Restarts,
    int? ExitCode,
    bool ExitExpected,
    string? SpawnError)
{
    /// <summary>supervisord's message for a process that exited before <c>startsecs</c>.</summary>
    public const string ExitedTooQuickly = "Exited too quickly (process log may have details)";

    /// <summary>A program that has never run.</summary>
    public static ProcessMachine Initial { get; } = new(ProcessState.Stopped, 0, 0, 0, null, false, null);

    /// <summary>Applies <paramref name="e"/> under <paramref name="config"/>'s settings.</summary>
    public Transition Step(ProcessEvent e, ProgramConfig config)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(config);
        return (State, e) switch
        {
            (ProcessState.Stopped or ProcessState.Exited or ProcessState.Fatal or ProcessState.Unknown, ProcessEvent.StartRequested) =>
                SpawnNext(this with { Backoff = 0, SpawnError = null }, automatic: false, []),
            (ProcessState.Starting or ProcessState.Running or ProcessState.Backoff, ProcessEvent.StartRequested) =>
                Reject("already started"),
            (ProcessState.Stopping, ProcessEvent.StartRequested) =>
                Reject("still stopping"),

            (ProcessState.Starting, ProcessEvent.Spawned) when config.StartSecs == 0 =>
                Go(this with { Backoff = 0 }, [ProcessState.Running]),
            (ProcessState.Starting, ProcessEvent.Spawned) =>
                Stay([new ProcessAction.ScheduleStartCheck(TimeSpan.FromSeconds(config.StartSecs), Generation)]),

            (ProcessState.Starting, ProcessEvent.SpawnFailed failed) =>
                FailedStart(failed.Reason, config),

            (ProcessState.Starting, ProcessEvent.StartSecsElapsed t) when t.Generation == Generation =>
                Go(this with { Backoff = 0, SpawnError = null }, [ProcessState.Running]),

            (ProcessState.Backoff, ProcessEvent.BackoffElapsed t) when t.Generation == Generation =>
                SpawnNext(this, automatic: true, []),

            (ProcessState.Starting, ProcessEvent.Exited x) when x.Generation == Generation =>
                FailedStart(ExitedTooQuickly, config, x.ExitCode),
            (ProcessState.Running, ProcessEvent.Exited x) when x.Generation == Generation =>
                ExitedFromRunning(x.ExitCode, config),
            (ProcessState.Stopping, ProcessEvent.Exited x) when x.Generation == Generation =>
                Go(this with { ExitCode = x.ExitCode, ExitExpected = config.ExitCodes.Contains(x.ExitCode) }, [ProcessState.Stopped]),

            (ProcessState.Starting or ProcessState.Running, ProcessEvent.StopRequested) =>
                Go(this, [ProcessState.Stopping],
                    new ProcessAction.SendSignal(config.StopSignal, config.StopAsGroup),
                    new ProcessAction.ScheduleKill(TimeSpan.FromSeconds(config.StopWaitSecs), Generation)),
            (ProcessState.Backoff, ProcessEvent.StopRequested) =>
                Go(this with { Backoff = 0 }, [ProcessState.Stopped]),
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

    private Transition ExitedFromRunning(int exitCode, ProgramConfig config)
    {
        var expected = config.ExitCodes.Contains(exitCode);
        var exited = this with { ExitCode = exitCode, ExitExpected = expected, SpawnError = expected ? null : "Bad exit code" };
        var restart = config.AutoRestart == AutoRestart.Always || (config.AutoRestart == AutoRestart.Unexpected && !expected);
        return restart
            ? SpawnNext(exited, automatic: true, [ProcessState.Exited])
            : Go(exited, [ProcessState.Exited]);
    }

    private static Transition SpawnNext(ProcessMachine current, bool automatic, IReadOnlyList<ProcessState> before)
    {
        var next = current with { Generation = current.Generation + 1, Restarts = current.Restarts + (automatic ? 1 : 0) };
        return Go(next, [.. before, ProcessState.Starting], new ProcessAction.Spawn(next.Generation));
    }

    private static Transition Go(ProcessMachine next, IReadOnlyList<ProcessState> entered, params ProcessAction[] actions) =>
        new(next with { State = entered[^1] }, entered, actions);

    private Transition Stay(IReadOnlyList<ProcessAction> actions) => new(this, [], actions);

    private Transition Reject(string why) => new(this, [], [], why);
}
