namespace Outpost.Cloud.Rollouts;

/// <summary>
/// The rollout state machine: a pure function from (snapshot, settings, input, now) to the next snapshot and the
/// commands to send. The rollout engine persists each snapshot before sending its commands, so a restart of the
/// server resumes where it was and never commands a device twice.
/// </summary>
/// <remarks>
/// <code>
///  Start ─▶ Running(wave k) ──all of wave k done──▶ wave k+1 … ──last wave done──▶ Succeeded (Aborted if no device succeeded)
///              │  ▲                     └─ approve-between-waves ─▶ AwaitingApproval ─Approve─┘
///              │  └──────── Resume ───────── Paused ◀── failed/timed-out ≥ pause_at
///              └── failed/timed-out ≥ abort_at, or Abort ─▶ Aborted ─(rollback)─▶ RollingBack ─▶ RolledBack
/// </code>
/// A device: Pending ─command─▶ Commanded ─fetch_status installing─▶ Installing ─installed─▶ Soaking
/// ─RUNNING at the new version, no restart, for the soak time─▶ Succeeded; a failed fetch_status, a restart or two
/// unhealthy reports in a row while soaking, or the device timeout end it as Failed / TimedOut. Every bad device counts toward pause_at; only
/// devices left on the new version (failed after installing, or silent) count toward abort_at and get rolled back.
/// </remarks>
internal static class RolloutMachine
{
    private const string RollbackUnconfirmed = "rollback not confirmed in time";
    private const string AlreadyInstalled = "is already installed";
    private const string RollbackFailed = "rollback failed: ";

    public static (RolloutSnapshot Snapshot, IReadOnlyList<RolloutAction> Actions) Apply(
        RolloutSnapshot snapshot, RolloutSettings settings, RolloutInput input, DateTimeOffset now)
    {
        if (IsCommand(input.Kind) && !Allows(snapshot.Status, input.Kind))
        {
            // A refused command changes nothing, not even what time alone would (a soak ending, a timeout): that is the
            // ticker's step. Were it taken here, the rollout moving on at that moment would pass for the command's doing.
            return (snapshot, []);
        }

        var (next, actions) = Step(snapshot, settings, input, now);
        return (IsFinal(next.Status) && next.Devices.Any(d => !IsFinal(d.State)) ? Finish(next, settings) : next, actions);
    }

    /// <summary>Whether a device's state is one it keeps once its rollout has ended.</summary>
    private static bool IsFinal(DeviceRolloutState state) => state is not (DeviceRolloutState.Pending or DeviceRolloutState.Commanded
        or DeviceRolloutState.Installing or DeviceRolloutState.Soaking or DeviceRolloutState.RollingBack);

    /// <summary>A rollout that ended gives each device it had not judged a final state: none stays "in flight".</summary>
    private static RolloutSnapshot Finish(RolloutSnapshot s, RolloutSettings settings) => s with
    {
        Devices = [.. s.Devices.Select(d => IsFinal(d.State) ? d : d with
        {
            State = DeviceRolloutState.Stopped,
            Reason = d.State == DeviceRolloutState.Pending ? $"not commanded: the rollout {StatusWord(s.Status)}"
                : d.AlreadyOnTarget ? $"ran {settings.Version} before the rollout; left as it was"
                : $"the rollout {StatusWord(s.Status)} before it was judged; it may run {settings.Version}",
        })],
    };

    private static string StatusWord(RolloutStatus status) => status switch
    {
        RolloutStatus.Cancelled => "was cancelled",
        RolloutStatus.Succeeded => "succeeded",
        _ => "was aborted",
    };

    private static (RolloutSnapshot Snapshot, IReadOnlyList<RolloutAction> Actions) Step(
        RolloutSnapshot snapshot, RolloutSettings settings, RolloutInput input, DateTimeOffset now)
    {
        var devices = snapshot.Devices.ToList();
        var actions = new List<RolloutAction>();
        var s = snapshot;

        switch (input.Kind)
        {
            case RolloutInputKind.Start when s.Status == RolloutStatus.Pending:
                s = s with { Status = RolloutStatus.Running, Wave = 0 };
                break;
            case RolloutInputKind.Pause:
                s = s with { Status = RolloutStatus.Paused, Reason = input.Reason ?? "paused by an operator" };
                break;
            case RolloutInputKind.Resume:
                s = s with { Status = RolloutStatus.Running, Reason = null, AcknowledgedFailures = WaveDevices(devices, s.Wave).Count(d => d.Bad || d.State == DeviceRolloutState.NotReached) };
                break;
            case RolloutInputKind.Approve:
                s = s with { Status = RolloutStatus.Running, Wave = s.Wave + 1, AcknowledgedFailures = 0 };
                break;
            case RolloutInputKind.Cancel:
                // Cancel stops sending commands; devices already updated keep the new version.
                return (s with { Status = RolloutStatus.Cancelled, Reason = input.Reason ?? "cancelled by an operator" }, actions);
            case RolloutInputKind.Abort:
                s = Abort(s, devices, settings, actions, input.Reason ?? "aborted by an operator", now);
                return (s with { Devices = devices }, actions);
            case RolloutInputKind.DeviceJoined when input.Serial is not null && !IsFinal(s.Status) && s.Status != RolloutStatus.RollingBack
                                                   && devices.All(d => d.Serial != input.Serial):
                devices.Add(new RolloutDevice(input.Serial, Math.Max(0, s.Wave)));
                break;
            case RolloutInputKind.FetchStatus when input.Serial is not null:
                OnFetchStatus(devices, input, now);
                if (s.Status == RolloutStatus.RollingBack)
                {
                    // A device reached only now, after the abort, installed what is being rolled back: it goes back too.
                    var late = devices.FindIndex(d => d.Serial == input.Serial && d.State is DeviceRolloutState.Soaking or DeviceRolloutState.Installing or DeviceRolloutState.Commanded);
                    if (late >= 0 && settings.RollbackOnAbort && !devices[late].AlreadyOnTarget)
                    {
                        devices[late] = devices[late] with { State = DeviceRolloutState.RollingBack, CommandedAt = now, Reason = "rolling back: " + s.Reason };
                        actions.Add(new RolloutAction(RolloutActionKind.SendRollback, input.Serial));
                    }
                }

                break;
            case RolloutInputKind.EngineReport when input.Serial is not null:
                OnEngineReport(devices, settings, input, now);
                break;
        }

        s = s with { Devices = devices };
        return Progress(s, devices, settings, actions, now);
    }

    /// <summary>A fresh rollout over the ordered target; <paramref name="runningVersions"/> (by serial) is what each device
    /// reported running before it, the version a rollback must bring back.</summary>
    public static RolloutSnapshot Plan(IReadOnlyList<string> orderedSerials, IReadOnlyList<WaveSize> waves, IReadOnlyDictionary<string, string>? runningVersions = null)
    {
        var assignment = WavePlan.Assign(waves, orderedSerials.Count);
        var devices = orderedSerials.Select((serial, i) => new RolloutDevice(serial, assignment[i], PreviousVersion: runningVersions?.GetValueOrDefault(serial))).ToList();
        return new RolloutSnapshot(RolloutStatus.Pending, 0, waves.Count, devices);
    }

    public static bool IsFinal(RolloutStatus status) =>
        status is RolloutStatus.Succeeded or RolloutStatus.Aborted or RolloutStatus.RolledBack or RolloutStatus.Cancelled;

    /// <summary>Whether an operator's <paramref name="command"/> (pause, resume, approve, abort, cancel) applies to a
    /// rollout in <paramref name="status"/>. The engine decides by this, never by whether the step changed the rollout.</summary>
    public static bool Allows(RolloutStatus status, RolloutInputKind command) => command switch
    {
        RolloutInputKind.Pause => status is RolloutStatus.Running or RolloutStatus.AwaitingApproval,
        RolloutInputKind.Resume => status == RolloutStatus.Paused,
        RolloutInputKind.Approve => status == RolloutStatus.AwaitingApproval,
        RolloutInputKind.Abort or RolloutInputKind.Cancel => !IsFinal(status) && status != RolloutStatus.RollingBack,
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "not an operator's command"),
    };

    private static bool IsCommand(RolloutInputKind kind) =>
        kind is RolloutInputKind.Pause or RolloutInputKind.Resume or RolloutInputKind.Approve or RolloutInputKind.Abort or RolloutInputKind.Cancel;

    private static (RolloutSnapshot, IReadOnlyList<RolloutAction>) Progress(
        RolloutSnapshot s, List<RolloutDevice> devices, RolloutSettings settings, List<RolloutAction> actions, DateTimeOffset now)
    {
        // Timeouts and soak completion run in every state where devices can still be in flight.
        for (var i = 0; i < devices.Count; i++)
        {
            var d = devices[i];
            if (d.InFlight && d.CommandedAt is { } at && now - at >= settings.DeviceTimeout)
            {
                // Silent since the command: offline, or never polling. Nothing reached it, so nothing needs undoing.
                devices[i] = d.State == DeviceRolloutState.Commanded && !d.Answered
                    ? d with { State = DeviceRolloutState.NotReached, Reason = $"not reached: no answer to the install within {RolloutArguments.Format(settings.DeviceTimeout)}" }
                    : d with { State = DeviceRolloutState.TimedOut, Reason = $"no success within {RolloutArguments.Format(settings.DeviceTimeout)}" };
            }
            else if (d.State == DeviceRolloutState.Soaking && d.HealthySince is { } since && now - since >= settings.Soak)
            {
                devices[i] = d with { State = DeviceRolloutState.Succeeded };
            }
            else if (d.State == DeviceRolloutState.RollingBack && d.CommandedAt is { } rbAt && now - rbAt >= settings.DeviceTimeout)
            {
                // Commanded before the abort but silent throughout: it never got the install either.
                devices[i] = d.Answered
                    ? d with { State = DeviceRolloutState.TimedOut, Reason = RollbackUnconfirmed }
                    : d with { State = DeviceRolloutState.NotReached, Reason = "not reached: no answer to the install or the rollback" };
            }
        }

        if (s.Status == RolloutStatus.RollingBack)
        {
            if (devices.All(d => d.State != DeviceRolloutState.RollingBack))
            {
                // "rolled_back" alone would read as "the fleet is back"; say how many devices never confirmed it.
                var unconfirmed = devices.Count(d => d.Reason is { } r && (r == RollbackUnconfirmed || r.StartsWith(RollbackFailed, StringComparison.Ordinal)));
                var confirmed = devices.Count(d => d.State == DeviceRolloutState.RolledBack);
                s = s with
                {
                    Status = RolloutStatus.RolledBack,
                    Reason = unconfirmed == 0 ? s.Reason : $"{s.Reason}; {unconfirmed} of {unconfirmed + confirmed} devices did not confirm the rollback",
                };
            }

            return (s with { Devices = devices }, actions);
        }

        if (s.Status is not (RolloutStatus.Running or RolloutStatus.Paused or RolloutStatus.AwaitingApproval))
        {
            return (s with { Devices = devices }, actions);
        }

        // Several waves may complete in one step (empty waves, approvals not needed).
        while (true)
        {
            var wave = WaveDevices(devices, s.Wave).ToList();
            var bad = wave.Count(d => d.Bad);
            var harmful = wave.Count(d => d.Harmful);
            if (wave.Count > 0 && bad > 0)
            {
                // Abort (and roll back) when devices are left on a bad version; a failed install the devices undid
                // themselves is a reason for a person to look, not for a fleet rollback.
                if ((double)harmful / wave.Count >= settings.AbortAt)
                {
                    s = Abort(s, devices, settings, actions, $"{harmful} of {wave.Count} devices in wave {s.Wave + 1} failed on the new version or timed out (abort at {settings.AbortAt * 100:0.##}%)", now);
                    return (s with { Devices = devices }, actions);
                }

                if ((double)bad / wave.Count >= settings.PauseAt && bad > s.AcknowledgedFailures && s.Status == RolloutStatus.Running)
                {
                    s = s with { Status = RolloutStatus.Paused, Reason = $"{bad} of {wave.Count} devices in wave {s.Wave + 1} failed or timed out (pause at {settings.PauseAt * 100:0.##}%)" };
                }
            }

            if (s.Status != RolloutStatus.Running)
            {
                break;
            }

            if (wave.All(d => d.Done))
            {
                // A wave none of whose devices was reached proved nothing: opening the next (bigger) wave on it would
                // skip the canary. A person decides (resume acknowledges them, as it does failures).
                var unreached = wave.Count(d => d.State == DeviceRolloutState.NotReached);
                if (s.Wave + 1 < s.WaveCount && unreached > 0 && !wave.Any(d => d.State == DeviceRolloutState.Succeeded)
                    && bad + unreached > s.AcknowledgedFailures)
                {
                    s = s with { Status = RolloutStatus.Paused, Reason = $"no device of wave {s.Wave + 1} succeeded ({unreached} of {wave.Count} not reached); resume to open wave {s.Wave + 2} anyway" };
                    break;
                }

                if (s.Wave + 1 >= s.WaveCount)
                {
                    // A person may resume past failures, but a rollout on which no device succeeded cannot pass for a
                    // success: that would open the staging gate for an artifact that never ran anywhere.
                    var planned = devices.Count(d => d.Wave >= 0);
                    if (planned > 0 && !devices.Any(d => d.State == DeviceRolloutState.Succeeded))
                    {
                        // Devices left on the new version go back as on any abort; failed installs gwe undid need nothing.
                        var notReached = devices.Count(d => d.State == DeviceRolloutState.NotReached);
                        var reason = $"no device succeeded: {devices.Count(d => d.Bad)} of {planned} failed or timed out"
                            + (notReached > 0 ? $", {notReached} not reached" : "");
                        s = devices.Any(d => d.Harmful) ? Abort(s, devices, settings, actions, reason, now) : s with { Status = RolloutStatus.Aborted, Reason = reason };
                        return (s with { Devices = devices }, actions);
                    }

                    s = s with { Status = RolloutStatus.Succeeded };
                    break;
                }

                if (settings.ApproveBetweenWaves)
                {
                    s = s with { Status = RolloutStatus.AwaitingApproval };
                    break;
                }

                s = s with { Wave = s.Wave + 1, AcknowledgedFailures = 0 };
                continue;
            }

            // Dispatch: pending devices of the current wave, in order, up to max_in_flight across the rollout.
            var inFlight = devices.Count(d => d.InFlight);
            for (var i = 0; i < devices.Count && inFlight < settings.MaxInFlight; i++)
            {
                if (devices[i].Wave == s.Wave && devices[i].State == DeviceRolloutState.Pending)
                {
                    devices[i] = devices[i] with { State = DeviceRolloutState.Commanded, CommandedAt = now };
                    actions.Add(new RolloutAction(RolloutActionKind.SendInstall, devices[i].Serial));
                    inFlight++;
                }
            }

            break;
        }

        return (s with { Devices = devices }, actions);
    }

    private static RolloutSnapshot Abort(RolloutSnapshot s, List<RolloutDevice> devices, RolloutSettings settings, List<RolloutAction> actions, string reason, DateTimeOffset now)
    {
        if (!settings.RollbackOnAbort)
        {
            return s with { Status = RolloutStatus.Aborted, Reason = reason };
        }

        // Every device that may run the new version goes back: installed ones, and ones still installing. Not one that
        // ran it before this rollout (its install changed nothing): "back" would take it below what it had.
        var any = false;
        for (var i = 0; i < devices.Count; i++)
        {
            if (devices[i].AlreadyOnTarget)
            {
                continue;
            }

            if (devices[i].State is DeviceRolloutState.Succeeded or DeviceRolloutState.Soaking or DeviceRolloutState.Installing or DeviceRolloutState.Commanded
                || devices[i].Harmful)
            {
                devices[i] = devices[i] with { State = DeviceRolloutState.RollingBack, CommandedAt = now, Reason = devices[i].Reason ?? "rolling back: " + reason };
                actions.Add(new RolloutAction(RolloutActionKind.SendRollback, devices[i].Serial));
                any = true;
            }
        }

        // Nothing to send back (every device commanded already ran the new version): aborted, not "rolled back".
        return s with { Status = any ? RolloutStatus.RollingBack : RolloutStatus.Aborted, Reason = reason };
    }

    private static void OnFetchStatus(List<RolloutDevice> devices, RolloutInput input, DateTimeOffset now)
    {
        var i = devices.FindIndex(d => d.Serial == input.Serial);
        if (i < 0)
        {
            return;
        }

        var d = devices[i];
        if (d.State == DeviceRolloutState.NotReached && !input.Rollback && input.Status is "installing" or "installed" or "failed" or "rolled_back" or "rejected")
        {
            // Back online, it found the install command still waiting: judged from now on like any device.
            d = d with { State = DeviceRolloutState.Commanded, CommandedAt = now, Reason = null };
        }
        else if (!d.InFlight && d.State != DeviceRolloutState.RollingBack)
        {
            return; // Late or repeated answers never reopen a finished device.
        }

        d = d with { Answered = true };
        if (input.Rollback != (d.State == DeviceRolloutState.RollingBack))
        {
            // An answer to the install while the device rolls back (it came late, after the abort): a failure means gwe
            // already restored the previous version — the device needs no rollback, and it is no rollback failure. An
            // answer to the rollback from a device not rolling back says nothing.
            devices[i] = !input.Rollback && input.Status is "failed" or "rolled_back" or "rejected"
                ? d with { State = DeviceRolloutState.Failed, Reason = $"install {input.Status}: {input.Reason}".TrimEnd(' ', ':') }
                : d;
            return;
        }

        devices[i] = (d.State, input.Status) switch
        {
            (DeviceRolloutState.RollingBack, "rolled_back" or "installed") => d,
            (DeviceRolloutState.RollingBack, _) => d with { State = DeviceRolloutState.Failed, Reason = RollbackFailed + input.Reason },
            (_, "installing") => d with { State = DeviceRolloutState.Installing },
            (_, "installed") => d with
            {
                State = DeviceRolloutState.Soaking,
                Installed = true,

                // The install of the version already current: gwe (and the simulator) say so in `unchanged`;
                // gateways older than that field only in the reason's words.
                AlreadyOnTarget = input.Unchanged || input.Reason?.EndsWith(AlreadyInstalled, StringComparison.Ordinal) == true,
            },
            (_, "failed" or "rolled_back" or "rejected") => d with { State = DeviceRolloutState.Failed, Reason = $"install {input.Status}: {input.Reason}".TrimEnd(' ', ':') },
            _ => d,
        };
    }

    private static void OnEngineReport(List<RolloutDevice> devices, RolloutSettings settings, RolloutInput input, DateTimeOffset now)
    {
        var i = devices.FindIndex(d => d.Serial == input.Serial);
        if (i < 0)
        {
            return;
        }

        var d = devices[i];
        var running = string.Equals(input.Status, "RUNNING", StringComparison.Ordinal);
        if (d.State == DeviceRolloutState.RollingBack)
        {
            // Back means the version it had: another version (a second rollout's, say) is not this rollback's doing.
            if (running && input.Version is not null && (d.PreviousVersion is { } previous ? input.Version == previous : input.Version != settings.Version))
            {
                devices[i] = d with { State = DeviceRolloutState.RolledBack };
            }

            return;
        }

        if (d.State is DeviceRolloutState.Pending or DeviceRolloutState.Commanded or DeviceRolloutState.Installing)
        {
            // Still on what it had (a report of the new version before its install is one it ran before the rollout).
            if (input.Version is not null && input.Version != settings.Version)
            {
                devices[i] = d with { PreviousVersion = input.Version };
            }

            return;
        }

        if (d.State != DeviceRolloutState.Soaking)
        {
            return;
        }

        var healthy = running && input.Version == settings.Version;
        if (!healthy)
        {
            // A report from before the install finished still shows the old version: only RUNNING-but-wrong after health counts.
            if (d.HealthySince is null && (input.Version != settings.Version || running))
            {
                return;
            }

            // More restarts of the new version is fresh news (the count only grows): fail at once. Anything else needs a
            // second unhealthy report in a row, because one can be stale: a report built before the install, held back
            // by the device's retries through a cloud outage, lands after the healthy ones.
            var restarted = input.Version == settings.Version && input.Restarts is { } r && r > (d.BaselineRestarts ?? 0);
            devices[i] = restarted || d.UnhealthyReports >= 1
                ? d with { State = DeviceRolloutState.Failed, Reason = $"{settings.App} is {input.Status} at version {input.Version} during the soak" }
                : d with { UnhealthyReports = d.UnhealthyReports + 1 };
            return;
        }

        if (d.HealthySince is null)
        {
            devices[i] = d with { HealthySince = now, BaselineRestarts = input.Restarts ?? 0, UnhealthyReports = 0 };
        }
        else if (input.Restarts is { } restarts && restarts > d.BaselineRestarts)
        {
            devices[i] = d with { State = DeviceRolloutState.Failed, Reason = $"{settings.App} restarted during the soak" };
        }
        else if (d.UnhealthyReports > 0)
        {
            devices[i] = d with { UnhealthyReports = 0 };
        }
    }

    private static IEnumerable<RolloutDevice> WaveDevices(IEnumerable<RolloutDevice> devices, int wave) => devices.Where(d => d.Wave == wave);
}
