using Outpost.Protocol.Commands;
using Outpost.Protocol.Reports;
using Outpost.Protocol.Tarballs;

namespace Outpost.Cloud.Simulator;

/// <summary>
/// The pure core of one simulated gateway: what the real gwe's command runner, install pipeline and supervisor would
/// show, without processes or files. The I/O shell (<see cref="GatewayRunner"/>) feeds it <c>engine_fetch</c> values and
/// the clock, and writes what it returns, in the real gwe's formats (the shared <see cref="Outpost.Protocol.Reports"/> types).
/// </summary>
/// <remarks>
/// <code>
///  1. Plan(value, rolls)  parse the command (EngineCommand.TryParse, as gwe does) and fix its outcome from the dice
///  2. the shell waits plan.Delay (the install latency)
///  3. Apply(plan, ...)     change the apps and return one fetch_status per target, echoing the command id:
///       install  not fetched (the shell asked the content area)  -> failed, nothing changed
///                roll &lt; fail rate  -> failed, the old version keeps running (gwe's undo)
///                otherwise        -> installed; roll &lt; crash rate -> the new version crash-loops (BACKOFF, then FATAL)
///       rollback -> rolled_back to the previous version;  report -> reported;  bad command -> rejected
///  4. Report(now) / Usage(...) / Info() build engine_report, usage_report and device_info
/// </code>
/// One writer (the shell's command loop) and any number of readers (reports, the live summary): the app list is
/// replaced, never changed in place.
/// </remarks>
internal sealed class SimulatedGateway
{
    /// <summary>supervisord's backoff between restarts of a crash-looping program, roughly.</summary>
    public static readonly TimeSpan CrashRestartEvery = TimeSpan.FromSeconds(2);

    /// <summary>Restarts after which supervisord gives up and the program is FATAL.</summary>
    public const int MaxRestarts = 10;

    private const string Version = "0.1.0-sim";

    private readonly double _failRate;
    private readonly double _crashRate;
    private readonly DateTimeOffset _booted;
    private readonly int _pidBase;
    private volatile IReadOnlyList<SimulatedApp> _apps;

    public SimulatedGateway(string serial, IReadOnlyList<SimulatedApp> apps, double failRate, double crashRate, DateTimeOffset booted)
    {
        Serial = serial;
        _apps = apps;
        _failRate = failRate;
        _crashRate = crashRate;
        _booted = booted;
        _pidBase = 1000 + (int)((uint)StringComparer.Ordinal.GetHashCode(serial) % 30_000);
    }

    public string Serial { get; }

    /// <summary>The apps as they are now.</summary>
    public IReadOnlyList<SimulatedApp> Apps => _apps;

    /// <summary>Step 1: parse a value of <c>engine_fetch</c> and fix what will happen.</summary>
    public static CommandPlan Plan(string value, GatewayRolls rolls) =>
        EngineCommand.TryParse(value, out var command, out var error, out var id)
            ? new CommandPlan(command, command.Id, null, rolls)
            : new CommandPlan(null, id, error, rolls);

    /// <summary>
    /// Step 3: carry out a plan; returns the fetch_status values to write, in order. <paramref name="downloadFailures"/>
    /// gives, by install target, why the shell could not fetch it (not in the content area, cloud unreachable): as
    /// gwe's download, those fail first.
    /// </summary>
    public IReadOnlyList<FetchStatus> Apply(CommandPlan plan, DateTimeOffset started, DateTimeOffset finished, IReadOnlyDictionary<string, string>? downloadFailures = null)
    {
        if (plan.Command is not { } command)
        {
            return [Status(plan.Id, null, null, null, null, FetchStatuses.Rejected, plan.Error)];
        }

        var verb = EngineCommand.KeyOf(command.Verb);
        if (command.Verb == EngineVerb.Report)
        {
            return [Status(command.Id, verb, null, null, null, FetchStatuses.Reported, null)];
        }

        var apps = _apps.ToList();
        if (command.Verb != EngineVerb.Install && command.Targets.FirstOrDefault(t => Find(apps, t.Name) < 0) is { } unknown)
        {
            // As gwe: a command naming an app that is not installed changes nothing at all.
            return [Status(command.Id, verb, unknown.Name, unknown.Name, null, FetchStatuses.Rejected, $"{unknown.Name} is not installed; nothing was changed")];
        }

        var statuses = new List<FetchStatus>(command.Targets.Count);
        foreach (var target in command.Targets)
        {
            statuses.Add(command.Verb switch
            {
                EngineVerb.Install => Install(apps, command.Id, target, plan.Rolls, finished),
                EngineVerb.Rollback => Rollback(apps, command.Id, target.Name, finished),
                EngineVerb.Uninstall => Change(apps, command.Id, verb, target.Name, FetchStatuses.Uninstalled, _ => null),
                EngineVerb.Start => Change(apps, command.Id, verb, target.Name, FetchStatuses.Started, a => a with { Stopped = false, Since = finished }),
                EngineVerb.Stop => Change(apps, command.Id, verb, target.Name, FetchStatuses.Stopped, a => a with { Stopped = true }),
                _ => Change(apps, command.Id, verb, target.Name, FetchStatuses.Restarted, a => a with { Stopped = false, Since = finished }),
            });
        }

        _apps = apps;
        return statuses;

        FetchStatus Status(string? id, string? verbKey, string? name, string? app, string? version, string status, string? reason) =>
            new(id, verbKey, name, app, version, status, reason, null, null, null, started, finished);

        FetchStatus Install(List<SimulatedApp> list, string? id, EngineTarget target, GatewayRolls rolls, DateTimeOffset now)
        {
            var tarball = TarballName.Parse(target.Name);
            if (downloadFailures is not null && downloadFailures.TryGetValue(target.Name, out var failure))
            {
                // As gwe: the download comes before anything else, so nothing changes, not even for the current version.
                return new FetchStatus(id, "install", target.Name, tarball.Name, tarball.Version, FetchStatuses.Failed, failure, null, null, target.Sha256, started, finished);
            }

            var index = Find(list, tarball.Name);
            if (index >= 0 && list[index].Version == tarball.Version)
            {
                // As gwe: the install of the current version is a no-op answered installed. Taking it for an update
                // would make the current version its own previous one, and a later rollback would go nowhere.
                return new FetchStatus(id, "install", target.Name, tarball.Name, tarball.Version, FetchStatuses.Installed,
                    $"{tarball.Name} {tarball.Version} is already installed", null, null, target.Sha256, started, finished)
                {
                    Unchanged = true,
                };
            }

            if (rolls.Fail < _failRate)
            {
                var kept = index < 0 ? string.Empty : $"; {list[index].Version} is running again";
                return new FetchStatus(id, "install", target.Name, tarball.Name, tarball.Version, FetchStatuses.Failed,
                    $"install.sh exited 1 (simulated failure){kept}", 1, "simulated install failure\n", target.Sha256, started, finished);
            }

            var installed = new SimulatedApp(tarball.Name, tarball.Version, index < 0 ? null : list[index].Version, now, Crashing: rolls.Crash < _crashRate);
            if (index < 0)
            {
                list.Add(installed);
            }
            else
            {
                list[index] = installed;
            }

            return new FetchStatus(id, "install", target.Name, tarball.Name, tarball.Version, FetchStatuses.Installed, null, 0, "simulated install\n", target.Sha256, started, finished);
        }

        FetchStatus Rollback(List<SimulatedApp> list, string? id, string name, DateTimeOffset now)
        {
            var index = Find(list, name);
            var current = list[index];
            if (current.Previous is not { } previous)
            {
                return Status(id, "rollback", name, name, null, FetchStatuses.Rejected, $"{name} has no previous version to roll back to");
            }

            list[index] = new SimulatedApp(name, previous, current.Version, now);
            return Status(id, "rollback", name, name, previous, FetchStatuses.RolledBack, null);
        }

        FetchStatus Change(List<SimulatedApp> list, string? id, string verbKey, string name, string status, Func<SimulatedApp, SimulatedApp?> change)
        {
            var index = Find(list, name);
            var version = list[index].Version;
            if (change(list[index]) is { } changed)
            {
                list[index] = changed;
            }
            else
            {
                list.RemoveAt(index);
            }

            return Status(id, verbKey, name, name, version, status, null);
        }
    }

    /// <summary>Step 4: <c>engine_report</c> as gwe builds it (supervisord's state names, restarts, uptime).</summary>
    public EngineReport Report(DateTimeOffset now)
    {
        var apps = _apps;
        var entries = new List<IReadOnlyDictionary<string, AppReport>>(apps.Count);
        for (var i = 0; i < apps.Count; i++)
        {
            entries.Add(new Dictionary<string, AppReport>(1, StringComparer.Ordinal) { [apps[i].Name] = AppStatus(apps[i], now, _pidBase + i) });
        }

        return new EngineReport(new GweInfo(Version, "simulated", Seconds(now - _booted)), entries, null);
    }

    /// <summary>What one app looks like at <paramref name="now"/>.</summary>
    public static AppReport AppStatus(SimulatedApp app, DateTimeOffset now, int pid)
    {
        if (app.Stopped)
        {
            return new AppReport(app.Version, "STOPPED", 0, 0, null, 0);
        }

        if (app.Crashing)
        {
            var restarts = (int)Math.Min(MaxRestarts, 1 + ((now - app.Since).Ticks / CrashRestartEvery.Ticks));
            return new AppReport(app.Version, restarts >= MaxRestarts ? "FATAL" : "BACKOFF", 1, 0, null, restarts);
        }

        return new AppReport(app.Version, AppReport.Running, null, Seconds(now - app.Since), pid, 0);
    }

    /// <summary>A small <c>usage_report</c>: the traffic this gateway's client counted over the interval.</summary>
    public static UsageReport Usage(TimeSpan interval, long bytesSent, long bytesReceived, long requests) =>
        new(
            Seconds(interval),
            new Dictionary<string, InterfaceUsage>(1, StringComparer.Ordinal) { ["eth0"] = new(bytesReceived, bytesSent, bytesReceived, bytesSent) },
            [new DiskUsage("/", 8L << 30, 2L << 30, 6L << 30)],
            new EngineTraffic(
                new Dictionary<string, SourceTraffic>(1, StringComparer.Ordinal) { ["gwe"] = new(requests, bytesSent, bytesReceived) },
                bytesSent,
                bytesReceived,
                "gwe"));

    /// <summary><c>device_info</c>, written once after activation.</summary>
    public DeviceInfo Info() => new(
        $"Linux {Serial} 6.1.0-sim #1 SMP x86_64 GNU/Linux",
        "/dev/sim 8G 2G 6G 25% /",
        "Mem: 1024 512 512",
        ["10.0.0.2"],
        "Simulated Linux",
        "1",
        "6.1.0-sim",
        "x64",
        Serial,
        2,
        1L << 30,
        1L << 29,
        [new DiskUsage("/", 8L << 30, 2L << 30, 6L << 30)],
        [new InterfaceInfo("eth0", "02:00:00:00:00:01", ["10.0.0.2"])],
        Version,
        "simulated",
        Environment.Version.ToString(),
        _booted);

    private static int Find(List<SimulatedApp> apps, string name) => apps.FindIndex(a => string.Equals(a.Name, name, StringComparison.Ordinal));

    private static long Seconds(TimeSpan t) => Math.Max(0, (long)t.TotalSeconds);
}
