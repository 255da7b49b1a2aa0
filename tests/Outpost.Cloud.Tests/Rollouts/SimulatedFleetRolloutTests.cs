using System.Net.Http.Headers;
using System.Text.Json;
using Outpost.Cloud.Cli;
using Outpost.Cloud.Simulator;
using Outpost.Protocol.Commands;
using Outpost.Protocol.Reports;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Rollouts;

/// <summary>Rollouts over fleets of simulated gateways (the real fleet simulator, real device API): scale and restarts.</summary>
public sealed class SimulatedFleetRolloutTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private static readonly string[] InFlight = ["commanded", "installing", "soaking"];

    [Fact]
    public async Task ThousandGateways_FivePercentFail_PausesAtTheFirstWaveOverPauseAt_WithEachWavesCounts()
    {
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync();
        await RolloutCalls.UploadAsync(cloud.Admin, pid, "test_app.v2.tar.gz", [2]);
        using var management = new ManagementClient(new CliConnection(cloud.BaseAddress, cloud.AdminToken));
        using var stop = new CancellationTokenSource();
        var simulator = new FleetSimulator(Options(pid, "sim-", 1000, failRate: 0.05, seed: 3), cloud.BaseAddress, management, TimeProvider.System);
        var run = simulator.RunAsync(stop.Token);
        await simulator.Stats.AllActivated.WaitAsync(Patience);

        // Which gateways fail is fixed by the seed, which wave each is in by the rollout's id, so the wave that pauses
        // varies; at 5 % failures a 3 % pause_at is all but certain to be crossed by the second or third wave.
        var id = (await RolloutCalls.CreateAsync(cloud.Admin, pid, new { artifact = "test_app.v2.tar.gz", waves = "1,10%,50%,100%", soak = "2s", timeout = "60s", pause_at = "3%" }))
            .GetProperty("id").GetString()!;
        await RolloutCalls.WaitForStatusAsync(cloud.Admin, pid, id, Patience, "paused");
        // Devices commanded before the pause still answer: wait until the paused wave has settled.
        var paused = await RolloutCalls.WaitForAsync(cloud.Admin, pid, id, Patience, "no device in flight", r => InFlight.All(s => !r.GetProperty("states").TryGetProperty(s, out _)));

        // What the gateways themselves answered, read back from the cloud: which installs failed.
        var devices = paused.GetProperty("devices").EnumerateArray().ToList();
        var failed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in devices.Where(d => d.GetProperty("state").GetString() != "pending"))
        {
            var serial = d.GetProperty("serial").GetString()!;
            var answers = (await cloud.HistoryAsync(pid, serial, "fetch_status"))
                .Select(h => JsonSerializer.Deserialize(h.Value, ReportsJsonContext.Default.FetchStatus)!).Where(s => s.Id == id).ToList();
            if (Assert.Single(answers).Status == FetchStatuses.Failed)
            {
                failed.Add(serial);
            }
        }

        Assert.Equal(failed.Count, (int)simulator.Snapshot().Statuses[FetchStatuses.Failed]);
        // The rollout pauses at the first wave whose failed share reaches 5 %, and commands nothing past it.
        var sizes = paused.GetProperty("per_wave").EnumerateArray().Select(w => w.GetProperty("devices").GetInt32()).ToList();
        Assert.Equal([1, 99, 400, 500], sizes);
        var failedPerWave = sizes.Select((_, w) => devices.Count(d => d.GetProperty("wave").GetInt32() == w + 1 && failed.Contains(d.GetProperty("serial").GetString()!))).ToList();
        var expectedWave = Enumerable.Range(1, sizes.Count).First(w => failedPerWave[w - 1] >= 0.03 * sizes[w - 1]);
        Assert.Equal(expectedWave, paused.GetProperty("wave").GetInt32());
        Assert.Contains($"in wave {expectedWave} failed or timed out (pause at 3%)", paused.GetProperty("reason").GetString(), StringComparison.Ordinal);
        for (var w = 1; w <= sizes.Count; w++)
        {
            var (succeeded, failedHere, pending) = (RolloutCalls.Count(paused, w, "succeeded"), RolloutCalls.Count(paused, w, "failed"), RolloutCalls.Count(paused, w, "pending"));
            Assert.Equal(w <= expectedWave ? (sizes[w - 1] - failedPerWave[w - 1], failedPerWave[w - 1], 0) : (0, 0, sizes[w - 1]), (succeeded, failedHere, pending));
        }

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task KillNineOfTheServerMidRollout_RestartResumesAndFinishes_EveryDeviceCommandedExactlyOnce()
    {
        using var data = new TempDirectory("outpost-rollout-kill");
        var token = "opt_test_" + Guid.NewGuid().ToString("N");
        var server = await CloudProcess.StartAsync(data.Path, token);
        using var admin = new HttpClient { BaseAddress = server.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var pid = "p" + Guid.NewGuid().ToString("N")[..15];
        (await admin.PostAsync("api/v1/products", JsonContent($$"""{"id":"{{pid}}","name":"kill test","template":"gateway"}"""))).EnsureSuccessStatusCode();
        await RolloutCalls.UploadAsync(admin, pid, "test_app.v2.tar.gz", [2]);
        using var management = new ManagementClient(new CliConnection(server.BaseAddress, token));
        using var stop = new CancellationTokenSource();
        const int count = 300;
        // Installs take 0.5-3 s, so waves are in flight for a while; nothing fails.
        var options = Options(pid, "kill-", count, failRate: 0, seed: 11) with { Latency = new LatencyRange(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(3)) };
        var simulator = new FleetSimulator(options, server.BaseAddress, management, TimeProvider.System);
        var run = simulator.RunAsync(stop.Token);
        try
        {
            await simulator.Stats.AllActivated.WaitAsync(Patience);
            var id = (await RolloutCalls.CreateAsync(admin, pid, new { artifact = "test_app.v2.tar.gz", waves = "10%,50%,100%", soak = "3s", timeout = "90s" }))
                .GetProperty("id").GetString()!;

            // Mid-rollout: the second wave is being commanded and installed.
            await RolloutCalls.WaitForAsync(admin, pid, id, Patience, "wave 2 in flight", r => r.GetProperty("wave").GetInt32() == 2);
            await server.KillAsync();
            await using var restarted = await CloudProcess.StartAsync(data.Path, token, server.BaseAddress.Port);

            var done = await RolloutCalls.WaitForStatusAsync(admin, pid, id, Patience, "succeeded", "paused", "aborted", "rolled_back");
            var unsuccessful = done.GetProperty("devices").EnumerateArray().Where(d => d.GetProperty("state").GetString() != "succeeded").Select(d => d.ToString()).ToList();
            Assert.True(unsuccessful.Count == 0, string.Join("\n", unsuccessful));
            Assert.Equal("succeeded", done.GetProperty("status").GetString());
            var commands = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var serial in Enumerable.Range(0, count).Select(options.Serial))
            {
                using var history = JsonDocument.Parse(await admin.GetStringAsync($"api/v1/products/{pid}/devices/{serial}/values/engine_fetch/history?limit=1000"));
                commands[serial] = history.RootElement.EnumerateArray()
                    .Count(h => EngineCommand.TryParse(h.GetProperty("value").GetString()!, out var command, out _, out _) && command.Id == id);
            }

            Assert.All(commands, c => Assert.True(c.Value == 1, $"{c.Key} was commanded {c.Value} times"));
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(30));
            await server.DisposeAsync();
        }
    }

    private static SimulatorOptions Options(string pid, string prefix, int count, double failRate, int seed) => new()
    {
        ProductId = pid,
        Count = count,
        FailRate = failRate,
        Seed = seed,
        SerialPrefix = prefix,
        Latency = new LatencyRange(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(300)),
        ReportInterval = TimeSpan.FromSeconds(5),
        Ramp = TimeSpan.FromSeconds(3),
    };

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
