using System.Globalization;
using Outpost.Cloud.Fleet;
using Outpost.Cloud.Ingest;
using Outpost.Cloud.Management.Contracts;
using Outpost.Cloud.Registry;

namespace Outpost.Cloud.Management;

/// <summary>
/// <c>GET /api/v1/products/{pid}/fleet</c>: every gateway of a product in one row — online or not, engine version,
/// apps and their states, disk, GMQ backlog, last command — and the counts over all that match (see
/// <see cref="GatewayView"/>). Filters: <c>connectivity</c>, <c>app=NAME[@VERSION]</c>, <c>failed=true</c>,
/// <c>status</c>, <c>tag=key=value</c>; <c>offline_after</c> (seconds, default 600); <c>limit</c> caps the rows, not
/// the counts.
/// </summary>
internal static class FleetApi
{
    /// <summary>Twice gwe's longest engine_fetch long poll (300 s): an online gateway is seen at least that often.</summary>
    public static readonly TimeSpan DefaultOfflineAfter = TimeSpan.FromMinutes(10);

    private const int Page = 1000;

    private static readonly string[] QueryKeys = ["connectivity", "app", "failed", "status", "tag", "offline_after", "limit"];

    private static readonly IReadOnlyDictionary<string, StoredValue> NoValues = new Dictionary<string, StoredValue>();

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/products/{pid}/fleet", GetAsync).WithTags("Fleet").WithName("GetFleet").Produces<FleetDto>()
            .WithSummary("Each gateway's connectivity, engine, apps, disk, queue and last command, with counts over the fleet")
            .Require(TokenRole.Viewer);

    private static async Task<IResult> GetAsync(HttpContext context, string pid, IRegistryStore registry, IValueStore values, LastSeenTracker lastSeen, TimeProvider clock, CancellationToken ct)
    {
        if (await registry.GetProductAsync(pid, ct) is null)
        {
            return Problems.NotFound($"no product {pid}");
        }

        var query = context.Request.Query;

        // A misspelt filter (?conectivity=offline) would otherwise answer the whole fleet as if it had matched.
        if (query.Keys.FirstOrDefault(k => !QueryKeys.Contains(k)) is { } unknown)
        {
            return Problems.BadRequest($"unknown query parameter '{unknown}': use {string.Join(", ", QueryKeys)}");
        }

        var filter = new FleetFilter();
        if (query["connectivity"].FirstOrDefault() is { } connectivity)
        {
            if (!FleetFilter.ConnectivityValues.Contains(connectivity))
            {
                return Problems.BadRequest($"connectivity must be online, offline or never, not '{connectivity}'");
            }

            filter = filter with { Connectivity = connectivity };
        }

        if (query["app"].FirstOrDefault() is { } appText)
        {
            if (!FleetFilter.TryApp(appText, out var app, out var version, out var appError))
            {
                return Problems.BadRequest(appError);
            }

            filter = filter with { App = app, AppVersion = version };
        }

        if (query["failed"].FirstOrDefault() is { } failedText)
        {
            if (!bool.TryParse(failedText, out var failed))
            {
                return Problems.BadRequest($"failed must be true or false, not '{failedText}'");
            }

            filter = filter with { FailedOnly = failed };
        }

        if (!DeviceListQuery.TryRead(query, out var status, out var tags, out var limit, out var listError))
        {
            return Problems.BadRequest(listError);
        }

        var offlineAfter = DefaultOfflineAfter;
        if (query["offline_after"].FirstOrDefault() is { } offlineText)
        {
            if (!int.TryParse(offlineText, CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 30 * 86_400)
            {
                return Problems.BadRequest("offline_after must be 1-2592000 seconds");
            }

            offlineAfter = TimeSpan.FromSeconds(seconds);
        }

        // Every matching gateway is read for the counts (an operator asks "how many are offline", not "how many of
        // the first thousand"); only the first `limit` rows are sent.
        var now = clock.GetUtcNow();
        var matched = new List<FleetGatewayDto>();
        string? after = null;
        while (true)
        {
            var page = await registry.ListDevicesAsync(pid, new DeviceQuery(status, tags, null, Page, after), ct);

            // Connectivity needs no reports: devices it filters out are not read at all.
            var candidates = page.Select(d => (Device: d, Seen: lastSeen.LastSeen(d)))
                .Where(c => filter.Connectivity is null || GatewayView.Connectivity(c.Seen, now, offlineAfter) == filter.Connectivity)
                .ToList();
            var latest = await values.ReadLatestManyAsync(candidates.Select(c => c.Device.Id).ToList(), GatewayView.Aliases, ct);
            foreach (var (device, seen) in candidates)
            {
                var row = GatewayView.Describe(device, seen, latest.GetValueOrDefault(device.Id) ?? NoValues, now, offlineAfter);
                if (filter.Matches(row))
                {
                    matched.Add(row);
                }
            }

            if (page.Count < Page)
            {
                break;
            }

            after = page[^1].Serial;
        }

        return Results.Ok(new FleetDto(FleetTally.Summarize(matched, offlineAfter), matched.Take(limit).ToList()));
    }
}
