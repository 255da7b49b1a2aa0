using System.CommandLine;
using System.Globalization;
using Outpost.Cloud.Management.Contracts;

namespace Outpost.Cloud.Cli;

/// <summary>
/// <c>outpost fleet PID</c>: the product's gateways at a glance — how many are online, which engine and app versions
/// run where, and a row per gateway with its disk, GMQ backlog and last command — from
/// <c>GET /api/v1/products/{pid}/fleet</c>.
/// </summary>
internal static class FleetCommand
{
    public static Command Create()
    {
        var pid = ProductCommands.PidArgument();
        var connectivity = new Option<string>("--connectivity") { Description = "Only gateways that are online, offline (seen before, not lately) or never seen" }
            .OneOf("online", "offline", "never");
        var app = new Option<string>("--app") { Description = "Only gateways with this app: NAME, or NAME@VERSION for one version" };
        var failed = new Option<bool>("--failed") { Description = "Only gateways whose last engine_fetch command failed, was rolled back or was rejected" };
        var status = new Option<string>("--status") { Description = "Only devices in this registry state" }.OneOf("notactivated", "activated", "disabled");
        var tags = new Option<string[]>("--tag") { Description = "Only devices with this tag: key=value (repeatable; all must match)" };
        var offlineAfter = new Option<string>("--offline-after") { Description = "Not seen for this long is offline: seconds or 90s, 10m, 2h, 1d (server default 10m)" };
        var limit = new Option<int?>("--limit") { Description = "At most this many rows, 1-100000 (the counts cover every match; server default 1000)" }.Between(1, 100_000);
        var command = CliActions.Connected(new Command("fleet", "The product's gateways at a glance: online or not, engine and app versions, disk, GMQ backlog, last command")
        {
            pid, connectivity, app, failed, status, tags, offlineAfter, limit,
        });
        command.SetApiAction(async (parse, session, ct) =>
        {
            var query = new List<string>();
            Add(query, "connectivity", parse.GetValue(connectivity));
            Add(query, "app", parse.GetValue(app));
            Add(query, "failed", parse.GetValue(failed) ? "true" : null);
            Add(query, "status", parse.GetValue(status));
            foreach (var tag in parse.GetValue(tags) ?? [])
            {
                CliActions.KeyValue(tag, "tag filter");
                Add(query, "tag", tag);
            }

            if (parse.GetValue(offlineAfter) is { } threshold)
            {
                Add(query, "offline_after", Seconds(threshold).ToString(CultureInfo.InvariantCulture));
            }

            Add(query, "limit", parse.GetValue(limit)?.ToString(CultureInfo.InvariantCulture));
            var reply = await session.Client.GetFleetAsync(parse.GetValue(pid)!, query, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            Print(session.Output, reply.Value, TimeProvider.System.GetUtcNow());
        });
        return command;
    }

    /// <summary>The summary lines, then the table.</summary>
    internal static void Print(Output output, FleetDto fleet, DateTimeOffset now)
    {
        var s = fleet.Summary;
        output.Line($"{s.Gateways} gateway{(s.Gateways == 1 ? string.Empty : "s")}: {s.Online} online, {s.Offline} offline, {s.Never} never seen (offline after {Age(TimeSpan.FromSeconds(s.OfflineAfterSeconds))} without a call)");
        if (s.EngineVersions.Count > 0)
        {
            output.Line("engine: " + string.Join(", ", s.EngineVersions.Select(e => $"{e.Key} ×{e.Value}")));
        }

        foreach (var group in s.Apps.GroupBy(a => a.App, StringComparer.Ordinal))
        {
            output.Line($"{group.Key}: " + string.Join(", ", group.Select(a => $"{a.Version} {a.Status} ×{a.Gateways}")));
        }

        if (s.LastCommandFailed > 0 || s.Unreadable > 0)
        {
            output.Line($"last command failed: {s.LastCommandFailed}; unreadable reports: {s.Unreadable}");
        }

        if (fleet.Gateways.Count < s.Gateways)
        {
            output.Line($"showing the first {fleet.Gateways.Count} (--limit)");
        }

        output.Table(
            ["SERIAL", "CONNECTIVITY", "LAST SEEN", "ENGINE", "APPS", "DISK", "GMQ", "LAST COMMAND"],
            fleet.Gateways.Select(g => new[]
            {
                g.Serial,
                g.Status == "activated" ? g.Connectivity : $"{g.Connectivity} ({g.Status})",
                g.LastSeen is { } seen ? Age(now - seen) + " ago" : "-",
                g.EngineVersion,
                g.Apps.Count == 0 ? "-" : string.Join(", ", g.Apps.Select(a => $"{a.Name} {a.Version} {a.Status}")),
                g.Disk is { } d ? $"{d.UsedPercent.ToString("0.#", CultureInfo.InvariantCulture)}% {d.Mount}" : "-",
                g.Gmq is { } q ? Queue(q) : "-",
                Command(g),
            }));
    }

    /// <summary>"90" → 90, "90s", "10m", "2h", "1d"; anything else is a usage error naming the flag.</summary>
    internal static int Seconds(string text) =>
        DurationText.TryParse(text, DurationSyntax.BareSeconds, out decimal ms) && ms is > 0 and <= 30 * 86_400_000m
            ? (int)(ms / 1000)
            : throw CliError.Usage($"--offline-after '{text}' must be a duration such as 600, 90s, 10m, 2h or 1d (at most 30d)");

    /// <summary>A short age for a person: 42s, 5m, 3h, 2d.</summary>
    internal static string Age(TimeSpan age) => age switch
    {
        { TotalSeconds: < 0 } => "0s",
        { TotalSeconds: < 120 } => $"{(int)age.TotalSeconds}s",
        { TotalMinutes: < 120 } => $"{(int)age.TotalMinutes}m",
        { TotalHours: < 48 } => $"{(int)age.TotalHours}h",
        _ => $"{(int)age.TotalDays}d",
    };

    private static string Queue(FleetQueueDto queue)
    {
        var text = queue.Depth == 0 ? "0 queued" : $"{queue.Depth} queued, oldest {Age(TimeSpan.FromSeconds(queue.OldestAge))}";
        return queue.DeadLetters > 0 ? $"{text}, {queue.DeadLetters} dead" : text;
    }

    private static string Command(FleetGatewayDto gateway)
    {
        var problems = gateway.Problems.Count > 0 ? "unreadable: " + string.Join("; ", gateway.Problems) : null;
        if (gateway.LastCommand is not { } c)
        {
            return problems ?? "-";
        }

        var text = $"{c.Command ?? "?"} {c.Name} {c.Status}".Replace("  ", " ", StringComparison.Ordinal);
        text = c.Reason is { Length: > 0 } reason && Fleet.GatewayView.Failed(c) ? $"{text}: {reason}" : text;
        return problems is null ? text : $"{text}; {problems}";
    }

    private static void Add(List<string> query, string name, string? value)
    {
        if (value is not null)
        {
            query.Add(name + "=" + Uri.EscapeDataString(value));
        }
    }
}
