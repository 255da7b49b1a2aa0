using System.Text.Json;
using Outpost.Cloud.Ingest;
using Outpost.Cloud.Management.Contracts;
using Outpost.Cloud.Registry;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Reports;

namespace Outpost.Cloud.Fleet;

/// <summary>
/// The fleet view (<c>outpost fleet</c>, <c>GET /api/v1/products/{pid}/fleet</c>): what each gateway last said about
/// itself, in one row. Pure: <see cref="Management.FleetApi"/> reads the registry and the latest values of the four
/// report aliases and calls <see cref="Describe"/> per device, then <see cref="FleetTally"/> over the rows.
/// </summary>
/// <remarks>
/// Connectivity comes from the device's last call to the device API, not from its reports: gwe reports every
/// update_interval (four hours by default) but re-opens its engine_fetch long poll every two minutes, so a gateway
/// that is up is seen far more often than it reports. A report that does not parse is named in the row's problems
/// instead of failing the whole view: one broken gateway must not hide the fleet.
/// </remarks>
internal static class GatewayView
{
    /// <summary>The report aliases a row is built from.</summary>
    public static readonly IReadOnlyList<string> Aliases =
        [GatewayAliases.EngineReport, GatewayAliases.UsageReport, GatewayAliases.DeviceInfo, GatewayAliases.FetchStatus];

    /// <summary>Connectivity of a device last seen at <paramref name="lastSeen"/>.</summary>
    public static string Connectivity(DateTimeOffset? lastSeen, DateTimeOffset now, TimeSpan offlineAfter) =>
        lastSeen is not { } seen ? "never" : now - seen <= offlineAfter ? "online" : "offline";

    /// <summary>One gateway's row from its registry record and the latest values of <see cref="Aliases"/>.</summary>
    public static FleetGatewayDto Describe(Device device, DateTimeOffset? lastSeen, IReadOnlyDictionary<string, StoredValue> latest, DateTimeOffset now, TimeSpan offlineAfter)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(latest);
        var problems = new List<string>();
        var engine = Read(latest, GatewayAliases.EngineReport, ReportsJsonContext.Default.EngineReport, problems, out var reportedAt);
        var usage = Read(latest, GatewayAliases.UsageReport, ReportsJsonContext.Default.UsageReport, problems, out _);
        var info = Read(latest, GatewayAliases.DeviceInfo, ReportsJsonContext.Default.DeviceInfo, problems, out _);
        var fetch = Read(latest, GatewayAliases.FetchStatus, ReportsJsonContext.Default.FetchStatus, problems, out _);
        if (fetch is { Status: null })
        {
            problems.Add("fetch_status: no status");
            fetch = null;
        }

        // JSON null inside a list deserializes without complaint: such entries are named, never dereferenced.
        var apps = new List<FleetAppDto>();
        foreach (var entry in engine?.Apps ?? [])
        {
            foreach (var (name, app) in entry ?? new Dictionary<string, AppReport>())
            {
                if (app is { Version: not null, Status: not null })
                {
                    apps.Add(new FleetAppDto(name, app.Version, app.Status, app.Restarts));
                }
                else
                {
                    problems.Add($"engine_report: app {name} is not a gwe app report");
                }
            }

            if (entry is null)
            {
                problems.Add("engine_report: an app entry is null");
            }
        }

        apps.Sort((x, y) => StringComparer.Ordinal.Compare(x.Name, y.Name));
        var os = info is null ? null : $"{info.OsName} {info.OsVersion}".Trim();
        return new FleetGatewayDto(
            device.Serial,
            RegistryText.Of(device.Status),
            Connectivity(lastSeen, now, offlineAfter),
            lastSeen,
            device.Tags,
            engine?.Gwe?.Version,
            engine is null ? null : reportedAt,
            apps,
            string.IsNullOrEmpty(os) ? null : os,
            Fullest(usage?.Disks is { Count: > 0 } disks ? disks : info?.Disks),
            engine?.Gmq is { } q ? new FleetQueueDto(q.Depth, q.OldestAge, q.Dropped, q.DeadLetters) : null,
            fetch is null ? null : new FleetCommandDto(fetch.Command, fetch.Name, fetch.Status, fetch.Reason, fetch.Finished),
            problems);
    }

    /// <summary>True when a last command's status means it did not do what was asked. <c>rolled_back</c> is what a
    /// <c>rollback</c> command was asked to do (a success); for an install it says the install failed and was undone.</summary>
    public static bool Failed(FleetCommandDto? command) => command?.Status switch
    {
        FetchStatuses.Failed or FetchStatuses.Rejected => true,
        FetchStatuses.RolledBack => !string.Equals(command.Command, "rollback", StringComparison.Ordinal),
        _ => false,
    };

    private static FleetDiskDto? Fullest(IReadOnlyList<DiskUsage>? disks)
    {
        FleetDiskDto? fullest = null;
        foreach (var disk in disks ?? [])
        {
            if (disk is null || disk.Mount is null || disk.Total <= 0)
            {
                continue;
            }

            var used = Math.Round(100.0 * disk.Used / disk.Total, 1);
            if (fullest is null || used > fullest.UsedPercent)
            {
                fullest = new FleetDiskDto(disk.Mount, used, disk.Free);
            }
        }

        return fullest;
    }

    private static T? Read<T>(IReadOnlyDictionary<string, StoredValue> latest, string alias, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, List<string> problems, out DateTimeOffset at)
        where T : class
    {
        at = default;
        if (!latest.TryGetValue(alias, out var value))
        {
            return null;
        }

        if (value.TimestampMs is < StoredTime.MinMs or > StoredTime.MaxMs)
        {
            // Stored before the write path refused timestamps past 9999: shown as a problem, not a failed view.
            return Unreadable<T>(alias, "written at a time past year 9999", problems);
        }

        at = DateTimeOffset.FromUnixTimeMilliseconds(value.TimestampMs);
        try
        {
            return JsonSerializer.Deserialize(value.Value, type) ?? Unreadable<T>(alias, "null", problems);
        }
        catch (JsonException ex)
        {
            // One line: what is wrong and where, not the serializer's type names.
            var where = ex.Path is { Length: > 1 } path ? $" at {path}" : string.Empty;
            return Unreadable<T>(alias, $"not a gwe report{where}", problems);
        }
    }

    private static T? Unreadable<T>(string alias, string why, List<string> problems)
        where T : class
    {
        problems.Add($"{alias}: {why}");
        return null;
    }
}
