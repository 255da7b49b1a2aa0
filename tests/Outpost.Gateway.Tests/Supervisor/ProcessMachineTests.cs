using Outpost.Gateway.Supervisor;
using Outpost.Gateway.Supervisor.Config;

namespace Outpost.Gateway.Tests.Supervisor;

public sealed class ProcessMachineTests
{
    private static readonly ProgramConfig Config = new() { Name = "app", Command = "app", Arguments = ["app"] };

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, ProcessEvent> Events = new()
    {
        ["start"] = new ProcessEvent.StartRequested(),
        ["spawned"] = new ProcessEvent.Spawned(42),
        ["spawnfail"] = new ProcessEvent.SpawnFailed("can't find command 'app'"),
        ["startsecs"] = new ProcessEvent.StartSecsElapsed(5),
        ["backoff"] = new ProcessEvent.BackoffElapsed(5),
        ["restart"] = new ProcessEvent.RestartDelayElapsed(5),
        ["exit1"] = new ProcessEvent.Exited(5, 1),
        ["exit0"] = new ProcessEvent.Exited(5, 0),
        ["stop"] = new ProcessEvent.StopRequested(),
        ["stoptimeout"] = new ProcessEvent.StopTimeoutElapsed(5),
    };

    /// <summary>Every state × every event, from a machine at generation 5 with one failed start behind it.
    /// Expected: "STATE | entered states | actions | refusal", "-" for none; "=" means unchanged and no actions.</summary>
    [Theory]
    [InlineData("Stopped", "start", "Starting|Starting|Spawn(6)|-")]
    [InlineData("Stopped", "spawned", "=")]
    [InlineData("Stopped", "spawnfail", "=")]
    [InlineData("Stopped", "startsecs", "=")]
    [InlineData("Stopped", "backoff", "=")]
    [InlineData("Stopped", "restart", "=")]
    [InlineData("Stopped", "exit1", "=")]
    [InlineData("Stopped", "exit0", "=")]
    [InlineData("Stopped", "stop", "Stopped|-|-|not running")]
    [InlineData("Stopped", "stoptimeout", "=")]
    [InlineData("Starting", "start", "Starting|-|-|already started")]
    [InlineData("Starting", "spawned", "Starting|-|StartCheck(1s,5)|-")]
    [InlineData("Starting", "spawnfail", "Backoff|Backoff|Retry(2s,5)|-")]
    [InlineData("Starting", "startsecs", "Running|Running|-|-")]
    [InlineData("Starting", "backoff", "=")]
    [InlineData("Starting", "restart", "=")]
    [InlineData("Starting", "exit1", "Backoff|Backoff|Retry(2s,5)|-")]
    [InlineData("Starting", "exit0", "Backoff|Backoff|Retry(2s,5)|-")]
    [InlineData("Starting", "stop", "Stopping|Stopping|Signal(Term,False);KillAfter(10s,5)|-")]
    [InlineData("Starting", "stoptimeout", "=")]
    [InlineData("Running", "start", "Running|-|-|already started")]
    [InlineData("Running", "spawned", "=")]
    [InlineData("Running", "spawnfail", "=")]
    [InlineData("Running", "startsecs", "=")]
    [InlineData("Running", "backoff", "=")]
    [InlineData("Running", "restart", "=")]
    [InlineData("Running", "exit1", "Starting|Exited,Starting|Spawn(6)|-")]
    [InlineData("Running", "exit0", "Exited|Exited|-|-")]
    [InlineData("Running", "stop", "Stopping|Stopping|Signal(Term,False);KillAfter(10s,5)|-")]
    [InlineData("Running", "stoptimeout", "=")]
    [InlineData("Backoff", "start", "Backoff|-|-|already started")]
    [InlineData("Backoff", "spawned", "=")]
    [InlineData("Backoff", "spawnfail", "=")]
    [InlineData("Backoff", "startsecs", "=")]
    [InlineData("Backoff", "backoff", "Starting|Starting|Spawn(6)|-")]
    [InlineData("Backoff", "restart", "=")]
    [InlineData("Backoff", "exit1", "=")]
    [InlineData("Backoff", "exit0", "=")]
    [InlineData("Backoff", "stop", "Stopped|Stopped|-|-")]
    [InlineData("Backoff", "stoptimeout", "=")]
    [InlineData("Stopping", "start", "Stopping|-|-|still stopping")]
    [InlineData("Stopping", "spawned", "=")]
    [InlineData("Stopping", "spawnfail", "=")]
    [InlineData("Stopping", "startsecs", "=")]
    [InlineData("Stopping", "backoff", "=")]
    [InlineData("Stopping", "restart", "=")]
    [InlineData("Stopping", "exit1", "Stopped|Stopped|-|-")]
    [InlineData("Stopping", "exit0", "Stopped|Stopped|-|-")]
    [InlineData("Stopping", "stop", "Stopping|-|-|already stopping")]
    [InlineData("Stopping", "stoptimeout", "Stopping|-|Kill(False)|-")]
    [InlineData("Exited", "start", "Starting|Starting|Spawn(6)|-")]
    [InlineData("Exited", "spawned", "=")]
    [InlineData("Exited", "spawnfail", "=")]
    [InlineData("Exited", "startsecs", "=")]
    [InlineData("Exited", "backoff", "=")]
    [InlineData("Exited", "restart", "=")]
    [InlineData("Exited", "exit1", "=")]
    [InlineData("Exited", "exit0", "=")]
    [InlineData("Exited", "stop", "Exited|-|-|not running")]
    [InlineData("Exited", "stoptimeout", "=")]
    [InlineData("Fatal", "start", "Starting|Starting|Spawn(6)|-")]
    [InlineData("Fatal", "spawned", "=")]
    [InlineData("Fatal", "spawnfail", "=")]
    [InlineData("Fatal", "startsecs", "=")]
    [InlineData("Fatal", "backoff", "=")]
    [InlineData("Fatal", "restart", "=")]
    [InlineData("Fatal", "exit1", "=")]
    [InlineData("Fatal", "exit0", "=")]
    [InlineData("Fatal", "stop", "Fatal|-|-|not running")]
    [InlineData("Fatal", "stoptimeout", "=")]
    [InlineData("Unknown", "start", "Starting|Starting|Spawn(6)|-")]
    [InlineData("Unknown", "spawned", "=")]
    [InlineData("Unknown", "spawnfail", "=")]
    [InlineData("Unknown", "startsecs", "=")]
    [InlineData("Unknown", "backoff", "=")]
    [InlineData("Unknown", "restart", "=")]
    [InlineData("Unknown", "exit1", "=")]
    [InlineData("Unknown", "exit0", "=")]
    [InlineData("Unknown", "stop", "Unknown|-|-|not running")]
    [InlineData("Unknown", "stoptimeout", "=")]
    public void Step_EveryStateAndEvent_FollowsSupervisord(string stateName, string @event, string expected)
    {
        var state = Enum.Parse<ProcessState>(stateName);
        var machine = ProcessMachine.Initial with { State = state, Generation = 5, Backoff = 1 };

        var t = machine.Step(Events[@event], Config, T0);

        Assert.Equal(expected == "=" ? $"{state}|-|-|-" : expected, Describe(t));
    }

    [Fact]
    public void Step_EveryStateAndEvent_IsCoveredByTheTable()
    {
        var rows = typeof(ProcessMachineTests).GetMethod(nameof(Step_EveryStateAndEvent_FollowsSupervisord))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Length;
        Assert.Equal(Enum.GetValues<ProcessState>().Length * Events.Count, rows);
    }

    /// <summary>The events name generation 5: older than a machine at 6 (a stale timer or exit), and newer than one at
    /// 4 (which cannot happen, and must not be acted on either).</summary>
    [Theory]
    [InlineData("startsecs", 6)]
    [InlineData("backoff", 6)]
    [InlineData("restart", 6)]
    [InlineData("exit1", 6)]
    [InlineData("stoptimeout", 6)]
    [InlineData("startsecs", 4)]
    [InlineData("backoff", 4)]
    [InlineData("restart", 4)]
    [InlineData("exit1", 4)]
    [InlineData("stoptimeout", 4)]
    public void Step_TimerOrExitOfAnotherGeneration_IsIgnored(string @event, int currentGeneration)
    {
        foreach (var state in Enum.GetValues<ProcessState>())
        {
            var machine = ProcessMachine.Initial with { State = state, Generation = currentGeneration, RestartPending = state == ProcessState.Exited };
            var t = machine.Step(Events[@event], Config, T0);
            Assert.Equal($"{state}|-|-|-", Describe(t));
        }
    }

    [Fact]
    public void CrashLoop_BacksOffOneSecondMorePerAttempt_ThenFatalAfterStartretries()
    {
        var config = Config with { StartRetries = 2 };
        var m = ProcessMachine.Initial;
        var log = new List<string>();
        m = Run(m, new ProcessEvent.StartRequested());
        for (var attempt = 0; attempt < 3; attempt++)
        {
            m = Run(m, new ProcessEvent.Spawned(100 + attempt));
            m = Run(m, new ProcessEvent.Exited(m.Generation, 1));
            if (m.State == ProcessState.Backoff)
            {
                m = Run(m, new ProcessEvent.BackoffElapsed(m.Generation));
            }
        }

        Assert.Equal(
            [
                "Starting|Starting|Spawn(1)|-", "Starting|-|StartCheck(1s,1)|-", "Backoff|Backoff|Retry(1s,1)|-",
                "Starting|Starting|Spawn(2)|-", "Starting|-|StartCheck(1s,2)|-", "Backoff|Backoff|Retry(2s,2)|-",
                "Starting|Starting|Spawn(3)|-", "Starting|-|StartCheck(1s,3)|-", "Fatal|Backoff,Fatal|-|-",
            ],
            log);
        Assert.Equal(ProcessMachine.ExitedTooQuickly, m.SpawnError);
        Assert.Equal(2, m.Restarts);

        ProcessMachine Run(ProcessMachine machine, ProcessEvent e)
        {
            var t = machine.Step(e, config, T0);
            log.Add(Describe(t));
            return t.Machine;
        }
    }

    [Fact]
    public void StartRetriesZero_FirstFailedStart_IsFatal()
    {
        var m = (ProcessMachine.Initial with { State = ProcessState.Starting, Generation = 1 })
            .Step(new ProcessEvent.SpawnFailed("can't find command 'x'"), Config with { StartRetries = 0 }, T0);

        Assert.Equal("Fatal|Backoff,Fatal|-|-", Describe(m));
        Assert.Equal("can't find command 'x'", m.Machine.SpawnError);
    }

    [Fact]
    public void Running_ResetsBackoff_SoALaterCrashLoopGetsAllItsRetries()
    {
        var m = (ProcessMachine.Initial with { State = ProcessState.Starting, Generation = 3, Backoff = 2 })
            .Step(new ProcessEvent.StartSecsElapsed(3), Config, T0).Machine;

        Assert.Equal(0, m.Backoff);
    }

    [Fact]
    public void StartSecsZero_Spawned_IsRunningAtOnce()
    {
        var t = (ProcessMachine.Initial with { State = ProcessState.Starting, Generation = 1 })
            .Step(new ProcessEvent.Spawned(7), Config with { StartSecs = 0 }, T0);

        Assert.Equal("Running|Running|-|-", Describe(t));
    }

    [Theory]
    [InlineData("Unexpected", 0, "Exited|Exited|-|-")]
    [InlineData("Unexpected", 2, "Exited|Exited|-|-")]
    [InlineData("Unexpected", 1, "Starting|Exited,Starting|Spawn(2)|-")]
    [InlineData("Unexpected", 143, "Starting|Exited,Starting|Spawn(2)|-")]
    [InlineData("Always", 0, "Starting|Exited,Starting|Spawn(2)|-")]
    [InlineData("Always", 1, "Starting|Exited,Starting|Spawn(2)|-")]
    [InlineData("Never", 0, "Exited|Exited|-|-")]
    [InlineData("Never", 1, "Exited|Exited|-|-")]
    public void ExitFromRunning_RestartsPerAutorestartAndExitcodes(string autoRestartName, int code, string expected)
    {
        var autoRestart = Enum.Parse<AutoRestart>(autoRestartName);
        var config = Config with { AutoRestart = autoRestart, ExitCodes = [0, 2] };

        var t = (ProcessMachine.Initial with { State = ProcessState.Running, Generation = 1 })
            .Step(new ProcessEvent.Exited(1, code), config, T0);

        Assert.Equal(expected, Describe(t));
        Assert.Equal(code, t.Machine.ExitCode);
        Assert.Equal(code is 0 or 2, t.Machine.ExitExpected);
        Assert.Equal(expected.StartsWith("Starting", StringComparison.Ordinal) ? 1 : 0, t.Machine.Restarts);
    }

    [Fact]
    public void Stop_UsesStopsignalStopwaitsecsAndGroupSettings()
    {
        var config = Config with { StopSignal = UnixSignal.Int, StopWaitSecs = 3, StopAsGroup = true, KillAsGroup = true };
        var m = ProcessMachine.Initial with { State = ProcessState.Running, Generation = 2 };

        var stop = m.Step(new ProcessEvent.StopRequested(), config, T0);
        var kill = stop.Machine.Step(new ProcessEvent.StopTimeoutElapsed(2), config, T0);

        Assert.Equal("Stopping|Stopping|Signal(Int,True);KillAfter(3s,2)|-", Describe(stop));
        Assert.Equal("Stopping|-|Kill(True)|-", Describe(kill));
    }

    [Fact]
    public void OperatorStart_FromFatal_ResetsBackoffAndIsNotCountedAsARestart()
    {
        var t = (ProcessMachine.Initial with { State = ProcessState.Fatal, Backoff = 3, Generation = 4, Restarts = 3, SpawnError = "x" })
            .Step(new ProcessEvent.StartRequested(), Config, T0);

        Assert.Equal(0, t.Machine.Backoff);
        Assert.Equal(3, t.Machine.Restarts);
        Assert.Null(t.Machine.SpawnError);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Spawned_RecordsTheSpawnTime_WhateverStartsecs(int startSecs)
    {
        var t = (ProcessMachine.Initial with { State = ProcessState.Starting, Generation = 1 })
            .Step(new ProcessEvent.Spawned(7), Config with { StartSecs = startSecs }, T0);

        Assert.Equal(T0, t.Machine.SpawnedAt);
    }

    /// <summary>The reviewer's crash loop: startsecs=0 and a command that exits at once. Every spawn is RUNNING, so
    /// it never backs off; the restart waits until 1 s after the last start instead, which bounds the loop to one
    /// spawn a second (supervisord's tick gives about the same), for ever: startretries does not apply, as in supervisord.</summary>
    [Theory]
    [InlineData("Always", 0)]
    [InlineData("Unexpected", 1)]
    public void QuickExitLoop_StartsecsZero_RestartsOneSecondAfterEachStart_NeverFatal(string autoRestartName, int code)
    {
        var config = Config with { StartSecs = 0, StartRetries = 0, AutoRestart = Enum.Parse<AutoRestart>(autoRestartName) };
        var now = T0;
        var starts = new List<DateTimeOffset>();
        var m = ProcessMachine.Initial.Step(new ProcessEvent.StartRequested(), config, now).Machine;
        for (var run = 0; run < 5; run++)
        {
            var spawned = m.Step(new ProcessEvent.Spawned(100 + run), config, now);
            Assert.Equal("Running|Running|-|-", Describe(spawned));
            starts.Add(now);

            now += TimeSpan.FromMilliseconds(30);
            var exited = spawned.Machine.Step(new ProcessEvent.Exited(spawned.Machine.Generation, code), config, now);
            Assert.Equal($"Exited|Exited|RestartAfter(0.97s,{m.Generation})|-", Describe(exited));
            Assert.True(exited.Machine.RestartPending);
            Assert.Equal(run + 1, exited.Machine.QuickExits);

            now += TimeSpan.FromMilliseconds(970);
            var restarted = exited.Machine.Step(new ProcessEvent.RestartDelayElapsed(m.Generation), config, now);
            Assert.Equal($"Starting|Starting|Spawn({m.Generation + 1})|-", Describe(restarted));
            Assert.False(restarted.Machine.RestartPending);
            m = restarted.Machine;
        }

        Assert.Equal(5, m.Restarts);
        Assert.All(starts.Zip(starts.Skip(1)), p => Assert.Equal(ProcessMachine.MinimumRun, p.Second - p.First));
    }

    [Theory]
    [InlineData(0, "Exited|Exited|RestartAfter(1s,1)|-")]
    [InlineData(999, "Exited|Exited|RestartAfter(0.001s,1)|-")]
    [InlineData(1000, "Starting|Exited,Starting|Spawn(2)|-")]
    [InlineData(60_000, "Starting|Exited,Starting|Spawn(2)|-")]
    public void ExitFromRunning_RestartsAtOnceOnlyAfterARunOfOneSecondOrMore(int ranMs, string expected)
    {
        var m = ProcessMachine.Initial with { State = ProcessState.Running, Generation = 1, SpawnedAt = T0, QuickExits = 2 };

        var t = m.Step(new ProcessEvent.Exited(1, 1), Config, T0 + TimeSpan.FromMilliseconds(ranMs));

        Assert.Equal(expected, Describe(t));
        Assert.Equal(ranMs < 1000 ? 3 : 0, t.Machine.QuickExits);
        Assert.Equal(ranMs < 1000 ? 0 : 1, t.Machine.Restarts);
    }

    [Fact]
    public void QuickExit_NotToBeRestarted_IsExitedWithNothingPending()
    {
        var m = ProcessMachine.Initial with { State = ProcessState.Running, Generation = 1, SpawnedAt = T0, QuickExits = 2 };

        var t = m.Step(new ProcessEvent.Exited(1, 0), Config with { AutoRestart = AutoRestart.Unexpected }, T0);

        Assert.Equal("Exited|Exited|-|-", Describe(t));
        Assert.False(t.Machine.RestartPending);
        Assert.Equal(0, t.Machine.QuickExits);
    }

    [Fact]
    public void RestartPending_Stop_CancelsTheRestart()
    {
        var pending = ProcessMachine.Initial with { State = ProcessState.Exited, Generation = 3, RestartPending = true, QuickExits = 4 };

        var stop = pending.Step(new ProcessEvent.StopRequested(), Config, T0);
        var late = stop.Machine.Step(new ProcessEvent.RestartDelayElapsed(3), Config, T0);

        Assert.Equal("Stopped|Stopped|-|-", Describe(stop));
        Assert.False(stop.Machine.RestartPending);
        Assert.Equal(0, stop.Machine.QuickExits);
        Assert.Equal("Stopped|-|-|-", Describe(late));
    }

    [Fact]
    public void RestartPending_OperatorStart_SpawnsAtOnce_AndTheLateTimerIsStale()
    {
        var pending = ProcessMachine.Initial with { State = ProcessState.Exited, Generation = 3, RestartPending = true, QuickExits = 4, Restarts = 4 };

        var start = pending.Step(new ProcessEvent.StartRequested(), Config, T0);
        var late = start.Machine.Step(new ProcessEvent.RestartDelayElapsed(3), Config, T0);

        Assert.Equal("Starting|Starting|Spawn(4)|-", Describe(start));
        Assert.False(start.Machine.RestartPending);
        Assert.Equal(0, start.Machine.QuickExits);
        Assert.Equal(4, start.Machine.Restarts);
        Assert.Equal("Starting|-|-|-", Describe(late));
    }

    [Theory]
    [InlineData("Starting")]
    [InlineData("Running")]
    public void OperatorStop_EndsAQuickLoop(string stateName)
    {
        var m = ProcessMachine.Initial with { State = Enum.Parse<ProcessState>(stateName), Generation = 3, QuickExits = 4 };

        var t = m.Step(new ProcessEvent.StopRequested(), Config, T0);

        Assert.Equal(ProcessState.Stopping, t.Machine.State);
        Assert.Equal(0, t.Machine.QuickExits);
    }

    private static string Describe(Transition t) =>
        string.Join('|',
            t.Machine.State,
            t.Entered.Count == 0 ? "-" : string.Join(',', t.Entered),
            t.Actions.Count == 0 ? "-" : string.Join(';', t.Actions.Select(Describe)),
            t.Rejected ?? "-");

    private static string Describe(ProcessAction a) => a switch
    {
        ProcessAction.Spawn s => $"Spawn({s.Generation})",
        ProcessAction.ScheduleStartCheck s => $"StartCheck({s.Delay.TotalSeconds}s,{s.Generation})",
        ProcessAction.ScheduleRetry r => $"Retry({r.Delay.TotalSeconds}s,{r.Generation})",
        ProcessAction.ScheduleRestart r => $"RestartAfter({r.Delay.TotalSeconds}s,{r.Generation})",
        ProcessAction.SendSignal s => $"Signal({s.Signal},{s.ToGroup})",
        ProcessAction.ScheduleKill k => $"KillAfter({k.Delay.TotalSeconds}s,{k.Generation})",
        ProcessAction.Kill k => $"Kill({k.ToGroup})",
        _ => a.ToString(),
    };
}
