using Outpost.Gateway.Apps;
using Outpost.Gateway.Queue;
using Outpost.Gateway.Queue.Forwarding;
using Outpost.Gateway.Supervisor;
using Outpost.Protocol.Reports;

namespace Outpost.Gateway.Engine;

/// <summary>
/// Builds <c>engine_report</c> (pure): the engine, every installed app (version from the installed-apps record, state
/// from the supervisor's snapshot, <c>INSTALLED</c> for a one-off), and GMQ's statistics when it is hosted.
/// </summary>
internal static class EngineReportBuilder
{
    /// <summary>The report for these facts.</summary>
    public static EngineReport Build(TimeSpan uptime, IReadOnlyList<InstalledApp> apps, IReadOnlyList<ProgramStatus> programs, QueueStatistics? gmq, LinkStatistics? link = null)
    {
        var byName = programs.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var entries = new List<IReadOnlyDictionary<string, AppReport>>();
        foreach (var app in apps)
        {
            var report = app.Current.Supervised && byName.TryGetValue(app.Name, out var p)
                ? new AppReport(app.Current.Version, StatusText(p.State), p.ExitCode, (long)p.Uptime.TotalSeconds, p.Pid, p.Restarts)
                : new AppReport(app.Current.Version, app.Current.Supervised ? "UNKNOWN" : AppReport.OneOff, null, 0, null, 0);
            entries.Add(new Dictionary<string, AppReport>(StringComparer.Ordinal) { [app.Name] = report });
        }

        var queue = gmq is null ? null
            : new GmqReport(gmq.Depth, gmq.Bytes, (long)gmq.OldestAge.TotalSeconds, gmq.Enqueued, gmq.Forwarded, gmq.Dropped, gmq.Rejected, gmq.DeadLetters)
            {
                // The queue's own breakdown, so a reason added there (purged) is reported without being listed twice.
                DroppedBy = gmq.DroppedBy,
                Link = link is null ? null : new GmqLinkReport(
                    link.State, (long)link.DownTime.TotalSeconds, link.LastError, link.LastUpAtMs / 1000, link.LastDownAtMs / 1000),
            };
        return new EngineReport(new GweInfo(GweVersion.Version, GweVersion.Commit, (long)uptime.TotalSeconds), entries, queue);
    }

    /// <summary>supervisorctl's state name: <c>RUNNING</c>, <c>BACKOFF</c>, …</summary>
    public static string StatusText(ProcessState state) => state.ToString().ToUpperInvariant();
}
