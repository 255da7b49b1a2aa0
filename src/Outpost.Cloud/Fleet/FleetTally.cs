using Outpost.Cloud.Management.Contracts;

namespace Outpost.Cloud.Fleet;

/// <summary>The summary line of the fleet view: counts over the rows <see cref="GatewayView"/> built. Pure.</summary>
internal static class FleetTally
{
    /// <summary>Counts <paramref name="rows"/>; apps ordered by name, then most gateways first.</summary>
    public static FleetSummaryDto Summarize(IReadOnlyList<FleetGatewayDto> rows, TimeSpan offlineAfter)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var engines = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var apps = new Dictionary<(string App, string Version, string Status), int>();
        foreach (var row in rows)
        {
            if (row.EngineVersion is { } version)
            {
                engines[version] = engines.GetValueOrDefault(version) + 1;
            }

            foreach (var app in row.Apps)
            {
                var key = (app.Name, app.Version, app.Status);
                apps[key] = apps.GetValueOrDefault(key) + 1;
            }
        }

        return new FleetSummaryDto(
            rows.Count,
            rows.Count(r => r.Connectivity == "online"),
            rows.Count(r => r.Connectivity == "offline"),
            rows.Count(r => r.Connectivity == "never"),
            (long)offlineAfter.TotalSeconds,
            engines,
            apps.Select(a => new FleetAppCountDto(a.Key.App, a.Key.Version, a.Key.Status, a.Value))
                .OrderBy(a => a.App, StringComparer.Ordinal).ThenByDescending(a => a.Gateways).ThenBy(a => a.Version, StringComparer.Ordinal).ThenBy(a => a.Status, StringComparer.Ordinal)
                .ToList(),
            rows.Count(r => GatewayView.Failed(r.LastCommand)),
            rows.Count(r => r.Problems.Count > 0));
    }
}
