using System.Net.Http.Json;
using System.Text.Json;
using Outpost.Cloud.Cli;
using Outpost.Cloud.Simulator;
using Outpost.Protocol.Reports;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Simulator;

/// <summary>The simulator against a real cloud node: activation, an install command to every gateway, and the answers.</summary>
public sealed class FleetSimulatorTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Install_ToFiftyGateways_EveryOneAnswersWithTheId_AboutAFifthFail()
    {
        var ct = CancellationToken.None;
        await using var cloud = await TestCloud.StartAsync(cancellationToken: ct);
        var pid = await cloud.CreateProductAsync(cancellationToken: ct);
        await Rollouts.RolloutCalls.UploadAsync(cloud.Admin, pid, "test_app.v2.tar.gz", [1, 2, 3]); // the simulated gwe checks it is there
        var options = new SimulatorOptions
        {
            ProductId = pid,
            Count = 50,
            FailRate = 0.2,
            Latency = new LatencyRange(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(200)),
            ReportInterval = TimeSpan.FromSeconds(1),
            Ramp = TimeSpan.FromMilliseconds(500),
            Seed = 42,
        };
        using var management = new ManagementClient(new CliConnection(cloud.BaseAddress, cloud.AdminToken));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var simulator = new FleetSimulator(options, cloud.BaseAddress, management, TimeProvider.System);
        var run = simulator.RunAsync(stop.Token);

        await simulator.Stats.AllActivated.WaitAsync(Deadline, ct);
        var serials = Enumerable.Range(0, options.Count).Select(options.Serial).ToList();
        var command = JsonSerializer.Serialize(new Dictionary<string, string> { ["engine_fetch"] = """{"install":[{"name":"test_app.v2.tar.gz"}],"id":"r1"}""" });
        foreach (var serial in serials)
        {
            using var response = await cloud.Admin.PostAsync($"api/v1/products/{pid}/devices/{serial}/values", new StringContent(command, System.Text.Encoding.UTF8, "application/json"), ct);
            response.EnsureSuccessStatusCode();
        }

        var answers = await WaitForAsync(async () =>
        {
            var found = new Dictionary<string, FetchStatus>();
            foreach (var serial in serials)
            {
                if (await LatestAsync(cloud, pid, serial, "fetch_status", ct) is { } text
                    && JsonSerializer.Deserialize(text, ReportsJsonContext.Default.FetchStatus) is { Id: "r1" } status)
                {
                    found[serial] = status;
                }
            }

            return found.Count == serials.Count ? found : null;
        }, ct);

        var failed = answers.Where(a => a.Value.Status == FetchStatuses.Failed).Select(a => a.Key).ToHashSet();
        Assert.All(answers.Values, a => Assert.Contains(a.Status, new[] { FetchStatuses.Installed, FetchStatuses.Failed }));
        Assert.InRange(failed.Count, 4, 17); // 20 % of 50 is 10; binomial spread, fixed by the seed.
        Assert.Equal(failed.Count, (int)simulator.Snapshot().Statuses[FetchStatuses.Failed]);

        // engine_report follows every command: the installed show v2 running, the failed still v1.
        await WaitForAsync(async () =>
        {
            foreach (var serial in serials)
            {
                var text = await LatestAsync(cloud, pid, serial, "engine_report", ct);
                var app = text is null ? null : JsonSerializer.Deserialize(text, ReportsJsonContext.Default.EngineReport)?.Find("test_app");
                if (app is null || app.Version != (failed.Contains(serial) ? "1" : "2") || app.Status != AppReport.Running)
                {
                    return null;
                }
            }

            return (object)true;
        }, ct);

        // A tarball the content area does not have fails as gwe's download would, whatever the dice say.
        var absent = JsonSerializer.Serialize(new Dictionary<string, string> { ["engine_fetch"] = """{"install":[{"name":"absent.v9.tar.gz"}],"id":"r2"}""" });
        using (var response = await cloud.Admin.PostAsync($"api/v1/products/{pid}/devices/{serials[0]}/values", new StringContent(absent, System.Text.Encoding.UTF8, "application/json"), ct))
        {
            response.EnsureSuccessStatusCode();
        }

        var missing = await WaitForAsync(async () =>
            await LatestAsync(cloud, pid, serials[0], "fetch_status", ct) is { } text && JsonSerializer.Deserialize(text, ReportsJsonContext.Default.FetchStatus) is { Id: "r2" } status ? status : null, ct);
        Assert.Equal((FetchStatuses.Failed, "download of absent.v9.tar.gz failed: no content 'absent.v9.tar.gz' in the product's content area"), (missing.Status, missing.Reason));

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.Equal(50, simulator.Snapshot().Activated);
    }

    private static async Task<string?> LatestAsync(TestCloud cloud, string pid, string serial, string alias, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await cloud.Admin.GetStringAsync($"api/v1/products/{pid}/devices/{serial}/values?alias={alias}", ct));
        return doc.RootElement.TryGetProperty(alias, out var entry) && entry.TryGetProperty("value", out var value) ? value.GetString() : null;
    }

    // Waits for a condition the fleet reaches on its own schedule; each check is a real read of the server.
    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> check, CancellationToken ct)
        where T : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Deadline);
        while (true)
        {
            if (await check() is { } result)
            {
                return result;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }
    }
}
