using Outpost.Cloud.Rollouts;

namespace Outpost.Cloud.Tests.Rollouts;

public sealed class RolloutMachineTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static readonly RolloutSettings Settings = new("test_app", "2", Soak: TimeSpan.FromMinutes(5), PauseAt: 0.05, AbortAt: 0.5,
        DeviceTimeout: TimeSpan.FromMinutes(30), MaxInFlight: 100);

    private sealed class Run(RolloutSnapshot snapshot, RolloutSettings settings)
    {
        public RolloutSnapshot Snapshot { get; private set; } = snapshot;

        public DateTimeOffset Now { get; private set; } = T0;

        public List<RolloutAction> Sent { get; } = [];

        public Run Do(RolloutInputKind kind, string? serial = null, string? status = null, string? version = null, int? restarts = null, string? reason = null, bool unchanged = false, bool rollback = false)
        {
            var (next, actions) = RolloutMachine.Apply(Snapshot, settings, new RolloutInput(kind, serial, status, version, restarts, reason, unchanged, rollback), Now);
            Snapshot = next;
            Sent.AddRange(actions);
            return this;
        }

        public Run Advance(TimeSpan by)
        {
            Now += by;
            return Do(RolloutInputKind.Tick);
        }

        /// <summary>The device installs the new version and reports it healthy.</summary>
        public Run Installs(string serial, int restarts = 0) =>
            Do(RolloutInputKind.FetchStatus, serial, "installed").Do(RolloutInputKind.EngineReport, serial, "RUNNING", settings.Version, restarts);

        public DeviceRolloutState StateOf(string serial) => Snapshot.Devices.Single(d => d.Serial == serial).State;

        public IEnumerable<string> Installs() => Sent.Where(a => a.Kind == RolloutActionKind.SendInstall).Select(a => a.Serial);
    }

    private static Run Start(int devices, string waves, RolloutSettings? settings = null, IReadOnlyDictionary<string, string>? runningVersions = null)
    {
        WavePlan.TryParse(waves, out var plan, out _);
        var serials = Enumerable.Range(0, devices).Select(i => $"gw-{i:000}").ToList();
        return new Run(RolloutMachine.Plan(serials, plan, runningVersions), settings ?? Settings).Do(RolloutInputKind.Start);
    }

    [Fact]
    public void Start_CommandsOnlyTheCanaryWave()
    {
        var run = Start(10, "1,100%");
        Assert.Equal(RolloutStatus.Running, run.Snapshot.Status);
        Assert.Equal(["gw-000"], run.Installs());
        Assert.Equal(DeviceRolloutState.Commanded, run.StateOf("gw-000"));
    }

    [Fact]
    public void HealthyCanary_AfterTheSoak_OpensTheNextWave_AndTheRolloutSucceeds()
    {
        var run = Start(3, "1,100%").Installs("gw-000");
        Assert.Equal(DeviceRolloutState.Soaking, run.StateOf("gw-000"));
        run.Advance(TimeSpan.FromMinutes(4));
        Assert.Single(run.Installs());

        run.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(DeviceRolloutState.Succeeded, run.StateOf("gw-000"));
        Assert.Equal(1, run.Snapshot.Wave);
        Assert.Equal(["gw-000", "gw-001", "gw-002"], run.Installs());

        run.Installs("gw-001").Installs("gw-002").Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(RolloutStatus.Succeeded, run.Snapshot.Status);
    }

    [Fact]
    public void RestartDuringSoak_FailsTheDevice()
    {
        var run = Start(2, "1,100%", Settings with { AbortAt = 1.01, PauseAt = 1.01 }).Installs("gw-000");
        run.Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "2", restarts: 1);
        Assert.Equal(DeviceRolloutState.Failed, run.StateOf("gw-000"));
    }

    [Fact]
    public void OldVersionReportBeforeHealth_IsIgnored_ButCrashAtNewVersionFails()
    {
        var run = Start(2, "1,100%", Settings with { AbortAt = 1.01, PauseAt = 1.01 });
        run.Do(RolloutInputKind.FetchStatus, "gw-000", "installed");
        run.Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "1");
        Assert.Equal(DeviceRolloutState.Soaking, run.StateOf("gw-000"));
        run.Do(RolloutInputKind.EngineReport, "gw-000", "BACKOFF", "2");
        Assert.Equal(DeviceRolloutState.Soaking, run.StateOf("gw-000")); // one unhealthy report may be stale
        run.Do(RolloutInputKind.EngineReport, "gw-000", "BACKOFF", "2");
        Assert.Equal(DeviceRolloutState.Failed, run.StateOf("gw-000"));
    }

    [Fact]
    public void OneStaleOldVersionReportAfterHealth_IsForgiven_TwoInARowFail()
    {
        var run = Start(2, "1,100%", Settings with { AbortAt = 1.01, PauseAt = 1.01 });
        run.Do(RolloutInputKind.FetchStatus, "gw-000", "installed").Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "2", 0);
        // A report built before the install, delivered late by the device's retries after a cloud outage.
        run.Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "1");
        Assert.Equal(DeviceRolloutState.Soaking, run.StateOf("gw-000"));
        run.Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "2", 0).Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "1");
        Assert.Equal(DeviceRolloutState.Soaking, run.StateOf("gw-000")); // a healthy report in between starts the count again
        run.Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "1");
        Assert.Equal(DeviceRolloutState.Failed, run.StateOf("gw-000"));
        Assert.Contains("RUNNING at version 1 during the soak", run.Snapshot.Devices.Single(d => d.Serial == "gw-000").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void MoreRestartsOfTheNewVersion_FailAtOnce_EvenWhenNotRunning()
    {
        var run = Start(2, "1,100%", Settings with { AbortAt = 1.01, PauseAt = 1.01 });
        run.Do(RolloutInputKind.FetchStatus, "gw-000", "installed").Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "2", 0);
        run.Do(RolloutInputKind.EngineReport, "gw-000", "BACKOFF", "2", restarts: 1);
        Assert.Equal(DeviceRolloutState.Failed, run.StateOf("gw-000"));
    }

    [Fact]
    public void FailuresAtPauseThreshold_PauseForAPerson_ResumeGoesOn()
    {
        var run = Start(40, "100%", Settings with { MaxInFlight = 40 });
        run.Do(RolloutInputKind.FetchStatus, "gw-000", "failed");
        Assert.Equal(RolloutStatus.Running, run.Snapshot.Status); // 1/40 = 2.5% < 5%
        run.Do(RolloutInputKind.FetchStatus, "gw-001", "rolled_back");
        Assert.Equal(RolloutStatus.Paused, run.Snapshot.Status); // 2/40 = 5%
        Assert.Contains("2 of 40", run.Snapshot.Reason, StringComparison.Ordinal);

        run.Do(RolloutInputKind.Resume);
        Assert.Equal(RolloutStatus.Running, run.Snapshot.Status);
        run.Do(RolloutInputKind.FetchStatus, "gw-002", "failed");
        Assert.Equal(RolloutStatus.Paused, run.Snapshot.Status); // a new failure past the acknowledged ones
    }

    [Fact]
    public void ResumedPastFailures_WithNoDeviceSucceeded_EndsAborted_NotSucceeded()
    {
        // Every device's install failed (gwe undid each); a person resumes the paused last wave. Nothing ever ran the
        // new version, so the rollout must not end succeeded: that would open the staging gate for this artifact.
        var run = Start(2, "100%").Do(RolloutInputKind.FetchStatus, "gw-000", "rolled_back").Do(RolloutInputKind.FetchStatus, "gw-001", "failed");
        Assert.Equal(RolloutStatus.Paused, run.Snapshot.Status);
        run.Do(RolloutInputKind.Resume);
        Assert.Equal(RolloutStatus.Aborted, run.Snapshot.Status);
        Assert.Equal("no device succeeded: 2 of 2 failed or timed out", run.Snapshot.Reason);
        Assert.DoesNotContain(run.Sent, a => a.Kind == RolloutActionKind.SendRollback); // none runs the new version

        // One success among the failures is a success a person accepted by resuming.
        var mixed = Start(2, "100%").Do(RolloutInputKind.FetchStatus, "gw-000", "failed").Installs("gw-001").Advance(Settings.Soak);
        Assert.Equal(RolloutStatus.Paused, mixed.Snapshot.Status);
        mixed.Do(RolloutInputKind.Resume);
        Assert.Equal(RolloutStatus.Succeeded, mixed.Snapshot.Status);
    }

    [Theory]
    [InlineData(true, null)]                                 // gwe today: fetch_status says unchanged
    [InlineData(false, "test_app 2 is already installed")]   // older gateways said so only in the reason
    public void Abort_DoesNotRollBackADeviceThatRanTheVersionBeforeTheRollout(bool unchanged, string? reason)
    {
        // gw-001 answers the install as gwe does for the version it already runs: nothing changed there.
        var run = Start(2, "100%")
            .Installs("gw-000")
            .Do(RolloutInputKind.FetchStatus, "gw-001", "installed", reason: reason, unchanged: unchanged)
            .Do(RolloutInputKind.EngineReport, "gw-001", "RUNNING", "2")
            .Do(RolloutInputKind.Abort);

        Assert.Equal(["gw-000"], run.Sent.Where(a => a.Kind == RolloutActionKind.SendRollback).Select(a => a.Serial));
        Assert.Equal(RolloutStatus.RollingBack, run.Snapshot.Status);
    }

    [Fact]
    public void RollbackThatSomeDevicesNeverConfirm_EndsRolledBack_SayingHowManyDidNot()
    {
        var run = Start(3, "100%").Installs("gw-000").Installs("gw-001").Do(RolloutInputKind.Abort);
        Assert.Equal(RolloutStatus.RollingBack, run.Snapshot.Status);
        run.Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "1"); // back on its previous version
        run.Advance(Settings.DeviceTimeout);                              // gw-001 never confirms
        Assert.Equal(RolloutStatus.RolledBack, run.Snapshot.Status);
        // gw-002 never answered the install nor the rollback: not reached, not a rollback it failed to confirm.
        Assert.Equal(DeviceRolloutState.NotReached, run.StateOf("gw-002"));
        Assert.Equal("aborted by an operator; 1 of 2 devices did not confirm the rollback", run.Snapshot.Reason);

        var clean = Start(1, "100%").Installs("gw-000").Do(RolloutInputKind.Abort).Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "1");
        Assert.Equal((RolloutStatus.RolledBack, "aborted by an operator"), (clean.Snapshot.Status, clean.Snapshot.Reason));
    }

    [Fact]
    public void Rollback_IsConfirmedOnlyByTheVersionTheDeviceHadBefore_NotByAnyOtherVersion()
    {
        // gw-000 ran 1 before the rollout (its last report when the rollout was planned); v4 is not "back".
        var run = Start(1, "100%", runningVersions: new Dictionary<string, string> { ["gw-000"] = "1" }).Installs("gw-000").Do(RolloutInputKind.Abort);
        run.Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "4");
        Assert.Equal((RolloutStatus.RollingBack, DeviceRolloutState.RollingBack), (run.Snapshot.Status, run.StateOf("gw-000")));
        run.Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "1");
        Assert.Equal((RolloutStatus.RolledBack, DeviceRolloutState.RolledBack), (run.Snapshot.Status, run.StateOf("gw-000")));

        // Not known at planning: learned from a report before the install.
        var learned = Start(1, "100%").Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "1.5").Installs("gw-000").Do(RolloutInputKind.Abort);
        Assert.Equal("1.5", learned.Snapshot.Devices.Single().PreviousVersion);
        learned.Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "1");
        Assert.Equal(DeviceRolloutState.RollingBack, learned.StateOf("gw-000"));
        learned.Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "1.5");
        Assert.Equal(DeviceRolloutState.RolledBack, learned.StateOf("gw-000"));

        // Unknown altogether (a gateway that never reported): any version but the new one is taken as back.
        var unknown = Start(1, "100%").Installs("gw-000").Do(RolloutInputKind.Abort).Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "4");
        Assert.Equal(DeviceRolloutState.RolledBack, unknown.StateOf("gw-000"));
    }

    [Fact]
    public void LateFailureOfTheInstall_AfterAnAbort_IsAnInstallFailure_NotAFailedRollback()
    {
        // gw-001 was still installing when the rollout was aborted; its install then failed (gwe restored 1 itself).
        var run = Start(2, "100%").Installs("gw-000").Do(RolloutInputKind.FetchStatus, "gw-001", "installing").Do(RolloutInputKind.Abort);
        Assert.Equal(DeviceRolloutState.RollingBack, run.StateOf("gw-001"));
        run.Do(RolloutInputKind.FetchStatus, "gw-001", "rolled_back", reason: "install.sh exited 1");
        Assert.Equal((DeviceRolloutState.Failed, "install rolled_back: install.sh exited 1"), (run.StateOf("gw-001"), run.Snapshot.Devices.Single(d => d.Serial == "gw-001").Reason));
        // Its rollback then finds nothing to undo: an answer to a rollback it no longer waits for changes nothing.
        run.Do(RolloutInputKind.FetchStatus, "gw-001", "failed", reason: "no previous version", rollback: true);
        Assert.Equal("install rolled_back: install.sh exited 1", run.Snapshot.Devices.Single(d => d.Serial == "gw-001").Reason);
        run.Do(RolloutInputKind.FetchStatus, "gw-000", "rolled_back", rollback: true).Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "1");
        Assert.Equal((RolloutStatus.RolledBack, "aborted by an operator"), (run.Snapshot.Status, run.Snapshot.Reason));

        // A failed answer to the rollback command itself is a failed rollback.
        var failed = Start(1, "100%").Installs("gw-000").Do(RolloutInputKind.Abort)
            .Do(RolloutInputKind.FetchStatus, "gw-000", "failed", reason: "install.sh exited 1", rollback: true);
        Assert.Equal((RolloutStatus.RolledBack, "aborted by an operator; 1 of 1 devices did not confirm the rollback"), (failed.Snapshot.Status, failed.Snapshot.Reason));

        // A late "installed" for the install while rolling back leaves it waiting for the rollback.
        var installed = Start(1, "100%").Do(RolloutInputKind.FetchStatus, "gw-000", "installing").Do(RolloutInputKind.Abort).Do(RolloutInputKind.FetchStatus, "gw-000", "installed");
        Assert.Equal(DeviceRolloutState.RollingBack, installed.StateOf("gw-000"));
    }

    [Fact]
    public void Cancel_GivesEveryDeviceItWasJudging_AFinalState()
    {
        var run = Start(3, "2,100%").Installs("gw-000").Do(RolloutInputKind.Cancel);
        Assert.Equal(RolloutStatus.Cancelled, run.Snapshot.Status);
        Assert.Equal(
            [
                ("gw-000", DeviceRolloutState.Stopped, "the rollout was cancelled before it was judged; it may run 2"),
                ("gw-001", DeviceRolloutState.Stopped, "the rollout was cancelled before it was judged; it may run 2"),
                ("gw-002", DeviceRolloutState.Stopped, "not commanded: the rollout was cancelled"),
            ],
            run.Snapshot.Devices.Select(d => (d.Serial, d.State, d.Reason)));
        Assert.DoesNotContain(run.Snapshot.Devices, d => d.InFlight);
    }

    [Fact]
    public void Abort_WithNothingToRollBack_IsAborted_NotRolledBack_AndTheDeviceOnTheVersionItHadIsLeftAsItWas()
    {
        var run = Start(2, "1,100%").Do(RolloutInputKind.FetchStatus, "gw-000", "installed", unchanged: true)
            .Do(RolloutInputKind.EngineReport, "gw-000", "RUNNING", "2").Do(RolloutInputKind.Abort);
        Assert.Equal(RolloutStatus.Aborted, run.Snapshot.Status);
        Assert.DoesNotContain(run.Sent, a => a.Kind == RolloutActionKind.SendRollback);
        Assert.Equal((DeviceRolloutState.Stopped, "ran 2 before the rollout; left as it was"), (run.StateOf("gw-000"), run.Snapshot.Devices[0].Reason));
        Assert.Equal(DeviceRolloutState.Stopped, run.StateOf("gw-001"));

        var noRollback = Start(1, "100%", Settings with { RollbackOnAbort = false }).Installs("gw-000").Do(RolloutInputKind.Abort);
        Assert.Equal((RolloutStatus.Aborted, DeviceRolloutState.Stopped), (noRollback.Snapshot.Status, noRollback.StateOf("gw-000")));
    }

    [Fact]
    public void Paused_SendsNoNewCommands()
    {
        var run = Start(10, "100%", Settings with { MaxInFlight = 2 });
        Assert.Equal(2, run.Installs().Count());
        run.Do(RolloutInputKind.Pause);
        run.Installs("gw-000").Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(2, run.Installs().Count());
        run.Do(RolloutInputKind.Resume);
        Assert.Equal(3, run.Installs().Count());
    }

    [Fact]
    public void FailuresAtAbortThreshold_AbortAndRollBackEveryUpdatedDevice()
    {
        var run = Start(4, "2,100%");
        var canaries = run.Installs().ToList();
        run.Installs(canaries[0]).Advance(TimeSpan.FromMinutes(5));
        run.Do(RolloutInputKind.FetchStatus, canaries[1], "installed");
        run.Do(RolloutInputKind.EngineReport, canaries[1], "BACKOFF", "2", restarts: 3);
        Assert.Equal(RolloutStatus.RollingBack, run.Snapshot.Status);
        Assert.Equal(canaries.Order(), run.Sent.Where(a => a.Kind == RolloutActionKind.SendRollback).Select(a => a.Serial).Order());

        run.Do(RolloutInputKind.EngineReport, canaries[0], "RUNNING", "1");
        Assert.Equal(DeviceRolloutState.RolledBack, run.StateOf(canaries[0]));
        Assert.Equal(RolloutStatus.RollingBack, run.Snapshot.Status);
        run.Do(RolloutInputKind.EngineReport, canaries[1], "RUNNING", "1");
        Assert.Equal(RolloutStatus.RolledBack, run.Snapshot.Status);
        Assert.Equal(2, run.Installs().Count()); // wave 2 was never commanded
    }

    [Fact]
    public void FailedInstallsTheDevicesUndid_PauseButNeverAbort()
    {
        var run = Start(4, "100%", Settings with { PauseAt = 0.25, AbortAt = 0.25 });
        run.Do(RolloutInputKind.FetchStatus, "gw-000", "rolled_back");
        run.Do(RolloutInputKind.FetchStatus, "gw-001", "failed");
        Assert.Equal(RolloutStatus.Paused, run.Snapshot.Status);
        Assert.DoesNotContain(run.Sent, a => a.Kind == RolloutActionKind.SendRollback);
    }

    [Fact]
    public void AbortWithoutRollback_JustStops()
    {
        var run = Start(4, "100%", Settings with { RollbackOnAbort = false });
        run.Installs("gw-000").Do(RolloutInputKind.Abort);
        Assert.Equal(RolloutStatus.Aborted, run.Snapshot.Status);
        Assert.DoesNotContain(run.Sent, a => a.Kind == RolloutActionKind.SendRollback);
    }

    [Fact]
    public void DeviceThatAnsweredThenWentSilent_TimesOut_AndCountsAsFailure()
    {
        var run = Start(2, "1,100%", Settings with { PauseAt = 1.0, AbortAt = 1.01 }).Do(RolloutInputKind.FetchStatus, "gw-000", "installing");
        run.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(DeviceRolloutState.TimedOut, run.StateOf("gw-000"));
        Assert.Equal(RolloutStatus.Paused, run.Snapshot.Status);
    }

    [Fact]
    public void DeviceThatNeverAnswered_IsNotReached_CountsTowardNeitherThreshold_AndIsNeverRolledBack()
    {
        // 8 healthy devices and 2 offline ones; a 5 % pause and 20 % abort would both trip if the 2 counted as failures.
        var run = Start(10, "100%", Settings with { PauseAt = 0.05, AbortAt = 0.2 });
        for (var i = 0; i < 8; i++)
        {
            run.Installs($"gw-{i:000}");
        }

        run.Advance(Settings.Soak);
        Assert.Equal(RolloutStatus.Running, run.Snapshot.Status);
        run.Advance(Settings.DeviceTimeout);
        Assert.Equal((DeviceRolloutState.NotReached, DeviceRolloutState.NotReached), (run.StateOf("gw-008"), run.StateOf("gw-009")));
        Assert.Equal("not reached: no answer to the install within 30m", run.Snapshot.Devices.Single(d => d.Serial == "gw-009").Reason);
        Assert.Equal(RolloutStatus.Succeeded, run.Snapshot.Status);
        Assert.DoesNotContain(run.Sent, a => a.Kind == RolloutActionKind.SendRollback);

        // Aborted for another reason, the devices not reached are not sent a rollback.
        var aborted = Start(3, "100%").Installs("gw-000").Advance(Settings.DeviceTimeout).Do(RolloutInputKind.Abort);
        Assert.Equal(DeviceRolloutState.NotReached, aborted.StateOf("gw-001"));
        Assert.Equal(["gw-000"], aborted.Sent.Where(a => a.Kind == RolloutActionKind.SendRollback).Select(a => a.Serial));

        // Every device of the rollout unreachable: nothing succeeded, and the reason says why.
        var none = Start(2, "100%").Advance(Settings.DeviceTimeout);
        Assert.Equal((RolloutStatus.Aborted, "no device succeeded: 0 of 2 failed or timed out, 2 not reached"), (none.Snapshot.Status, none.Snapshot.Reason));
    }

    [Fact]
    public void AWaveNoDeviceOfWhichWasReached_PausesInsteadOfOpeningTheNext_AndResumeGoesOn()
    {
        var run = Start(10, "1,100%").Advance(Settings.DeviceTimeout);

        Assert.Equal(DeviceRolloutState.NotReached, run.StateOf("gw-000"));
        Assert.Equal((RolloutStatus.Paused, "no device of wave 1 succeeded (1 of 1 not reached); resume to open wave 2 anyway"), (run.Snapshot.Status, run.Snapshot.Reason));
        Assert.Equal(["gw-000"], run.Installs());

        run.Do(RolloutInputKind.Resume);

        Assert.Equal((RolloutStatus.Running, 1), (run.Snapshot.Status, run.Snapshot.Wave));
        Assert.Equal(10, run.Installs().Count());
    }

    [Fact]
    public void DeviceNotReached_ThatAnswersLater_IsJudgedAgain_AndRolledBackWhenTheRolloutIsRollingBack()
    {
        // Three at a time: gw-003 is commanded when gw-000 succeeds, so it keeps the rollout running after the others' timeout.
        var run = Start(4, "100%", Settings with { PauseAt = 1.0, AbortAt = 1.01, MaxInFlight = 3 }).Installs("gw-000").Advance(Settings.Soak);
        run.Advance(Settings.DeviceTimeout - Settings.Soak);
        Assert.Equal((DeviceRolloutState.NotReached, RolloutStatus.Running), (run.StateOf("gw-001"), run.Snapshot.Status));
        run.Do(RolloutInputKind.FetchStatus, "gw-001", "installed");
        Assert.Equal(DeviceRolloutState.Soaking, run.StateOf("gw-001"));

        run.Do(RolloutInputKind.Abort);
        Assert.Equal(["gw-000", "gw-001", "gw-003"], run.Sent.Where(a => a.Kind == RolloutActionKind.SendRollback).Select(a => a.Serial).Order());
        run.Do(RolloutInputKind.FetchStatus, "gw-002", "installed"); // reached only now, while the others roll back
        Assert.Equal(DeviceRolloutState.RollingBack, run.StateOf("gw-002"));
        Assert.Equal(["gw-000", "gw-001", "gw-002", "gw-003"], run.Sent.Where(a => a.Kind == RolloutActionKind.SendRollback).Select(a => a.Serial).Order());
    }

    [Fact]
    public void MaxInFlight_LimitsCommandsAcrossTheRollout()
    {
        var run = Start(10, "100%", Settings with { MaxInFlight = 3 });
        Assert.Equal(3, run.Installs().Count());
        run.Installs("gw-000").Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(4, run.Installs().Count());
    }

    [Fact]
    public void ApproveBetweenWaves_WaitsForApproval()
    {
        var run = Start(2, "1,100%", Settings with { ApproveBetweenWaves = true });
        run.Installs("gw-000").Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(RolloutStatus.AwaitingApproval, run.Snapshot.Status);
        Assert.Single(run.Installs());
        run.Do(RolloutInputKind.Approve);
        Assert.Equal(2, run.Installs().Count());
    }

    [Fact]
    public void DeviceJoiningTheTarget_IsPickedUpInTheCurrentWave()
    {
        var run = Start(2, "100%", Settings with { MaxInFlight = 10 });
        run.Do(RolloutInputKind.DeviceJoined, "late-1");
        Assert.Contains("late-1", run.Installs());
        run.Do(RolloutInputKind.DeviceJoined, "late-1");
        Assert.Single(run.Installs(), s => s == "late-1");
    }

    [Fact]
    public void LateOrRepeatedAnswers_NeverReopenAFinishedDevice_NorCommandTwice()
    {
        var run = Start(1, "100%").Installs("gw-000").Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(RolloutStatus.Succeeded, run.Snapshot.Status);
        run.Do(RolloutInputKind.FetchStatus, "gw-000", "failed").Advance(TimeSpan.FromHours(1));
        Assert.Equal(DeviceRolloutState.Succeeded, run.StateOf("gw-000"));
        Assert.Single(run.Installs());
    }

    [Fact]
    public void Cancel_StopsSendingCommands_AndIsFinal()
    {
        var run = Start(5, "1,100%").Do(RolloutInputKind.Cancel);
        Assert.Equal(RolloutStatus.Cancelled, run.Snapshot.Status);
        run.Do(RolloutInputKind.Resume).Do(RolloutInputKind.Start).Installs("gw-000").Advance(TimeSpan.FromHours(1));
        Assert.Equal(RolloutStatus.Cancelled, run.Snapshot.Status);
        Assert.Single(run.Installs());
    }

    [Fact]
    public void RefusedCommand_ChangesNothing_EvenAtTheMomentTheSoakEnds()
    {
        // The last device's soak is over but no tick has run yet: a resume (refused: the rollout is running) must not
        // carry the rollout to succeeded, or the engine takes the move for the command's doing and answers "resumed".
        var run = Start(1, "100%").Installs("gw-000");
        var before = run.Snapshot;
        var (after, actions) = RolloutMachine.Apply(before, Settings, new RolloutInput(RolloutInputKind.Resume), T0 + Settings.Soak);
        Assert.Same(before, after);
        Assert.Empty(actions);
        Assert.Equal(RolloutStatus.Succeeded, RolloutMachine.Apply(before, Settings, new RolloutInput(RolloutInputKind.Tick), T0 + Settings.Soak).Snapshot.Status);
    }

    [Theory]
    [InlineData("Pause", "Running,AwaitingApproval")]
    [InlineData("Resume", "Paused")]
    [InlineData("Approve", "AwaitingApproval")]
    [InlineData("Abort", "Pending,Running,Paused,AwaitingApproval")]
    [InlineData("Cancel", "Pending,Running,Paused,AwaitingApproval")]
    public void Commands_ApplyOnlyInTheirStatuses_ElsewhereChangeNothing(string name, string allowedIn)
    {
        var command = Enum.Parse<RolloutInputKind>(name);
        var allowed = allowedIn.Split(',').Select(Enum.Parse<RolloutStatus>).ToHashSet();
        // Wave 1 of 2 with its device installed and its soak just over: time alone would move every non-final status.
        var soaking = Start(2, "1,100%").Installs("gw-000").Snapshot;
        foreach (var status in Enum.GetValues<RolloutStatus>())
        {
            var before = soaking with { Status = status };
            var (after, actions) = RolloutMachine.Apply(before, Settings, new RolloutInput(command), T0 + Settings.Soak);
            Assert.Equal(allowed.Contains(status), RolloutMachine.Allows(status, command));
            if (allowed.Contains(status))
            {
                Assert.True(after.Status != status || after.Wave != before.Wave, $"{command} in {status} left it {after.Status}");
            }
            else
            {
                Assert.Same(before, after);
                Assert.Empty(actions);
            }
        }
    }

    [Fact]
    public void Replaying_ThePersistedSnapshot_SendsNothingAgain()
    {
        var run = Start(3, "100%");
        Assert.Equal(["gw-000", "gw-001", "gw-002"], run.Installs()); // the start did send: replaying must not again
        var persisted = run.Snapshot;
        var (_, actions) = RolloutMachine.Apply(persisted, Settings, new RolloutInput(RolloutInputKind.Tick), T0.AddSeconds(1));
        Assert.Empty(actions);
    }

    [Theory]
    [InlineData(1000, 0.05)]
    public void ThousandDevices_FivePercentFailing_PauseInTheWaveWhereTheThresholdIsCrossed(int count, double failRate)
    {
        var run = Start(count, "10,10%,100%", Settings with { MaxInFlight = count });
        var failEvery = (int)(1 / failRate);
        var n = 0;
        while (run.Snapshot.Status == RolloutStatus.Running)
        {
            var wave = run.Snapshot.Wave;
            foreach (var d in run.Snapshot.Devices.Where(d => d.Wave == wave && d.State == DeviceRolloutState.Commanded).ToList())
            {
                if (n++ % failEvery == failEvery - 1)
                {
                    run.Do(RolloutInputKind.FetchStatus, d.Serial, "failed");
                }
                else
                {
                    run.Installs(d.Serial);
                }
            }

            run.Advance(TimeSpan.FromMinutes(5));
        }

        // Wave 1 (10 devices) has no failure; wave 2 (90 more) crosses 5% and pauses.
        Assert.Equal(RolloutStatus.Paused, run.Snapshot.Status);
        Assert.Equal(1, run.Snapshot.Wave);
        var wave2 = run.Snapshot.Devices.Where(d => d.Wave == 1).ToList();
        Assert.Equal(90, wave2.Count);
        Assert.True(wave2.Count(d => d.Bad) >= 5);
    }
}
