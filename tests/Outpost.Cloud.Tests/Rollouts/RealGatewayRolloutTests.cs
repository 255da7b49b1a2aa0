using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text.Json;
using Outpost.Cloud.Demo;
using Outpost.Protocol.Reports;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Rollouts;

/// <summary>
/// Rollouts end to end with real gateways: four real <c>gwe</c> daemons (temp homes) — one on a staging product, three
/// on its production product — a real cloud node, and app tarballs made with GNU tar whose install.sh and programs
/// really run under gwe's OTA pipeline and supervisor. Every verdict is read from what the gateways report.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class RealGatewayRolloutTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _build = new("outpost-apps");
    private readonly List<LocalGateway> _gateways = [];
    private TestCloud? _cloud;

    private TestCloud Cloud => _cloud!;

    public async Task InitializeAsync() => _cloud = await TestCloud.StartAsync();

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_gateways.Select(g => g.DisposeAsync().AsTask()));
        if (_cloud is not null)
        {
            await _cloud.DisposeAsync();
        }

        _build.Dispose();
    }

    [Fact]
    public async Task StagingGate_Staging_Production_BrokenPausesAtCanary_CrashLoopAbortsAndRollsBack()
    {
        var prod = await Cloud.CreateProductAsync();
        var staging = "s" + prod[1..];
        (await Cloud.Admin.PostAsJsonAsync($"api/v1/products/{prod}/clone", new { id = staging, staging_of = prod })).EnsureSuccessStatusCode();
        var good = Tarball("1", install: "echo \"Installing $APP_NAME $APP_VERSION\"", run: "exec sleep 600");
        var broken = Tarball("2", install: "echo 'missing dependency' >&2\nexit 1", run: "exec sleep 600");
        // Up long enough for the install to count (startsecs=1), then exits: supervised, it restarts over and over.
        var crashing = Tarball("3", install: "true", run: "sleep 2\nexit 3");
        foreach (var (artifact, bytes) in new[] { good, broken, crashing })
        {
            await RolloutCalls.UploadAsync(Cloud.Admin, prod, artifact, bytes);
            await RolloutCalls.UploadAsync(Cloud.Admin, staging, artifact, bytes);
        }

        string[] fleet = ["prd-1", "prd-2", "prd-3"];
        await Cloud.AddDevicesAsync(staging, "stg-1");
        await Cloud.AddDevicesAsync(prod, fleet);
        _gateways.AddRange(await Task.WhenAll(
            fleet.Select(s => (Pid: prod, Serial: s)).Prepend((Pid: staging, Serial: "stg-1"))
                .Select(g => LocalGateway.StartAsync(Cloud.BaseAddress, g.Pid, g.Serial, updateInterval: TimeSpan.FromSeconds(1)))));
        await RolloutCalls.WaitForActivatedAsync(Cloud.Admin, staging, "stg-1");
        await RolloutCalls.WaitForActivatedAsync(Cloud.Admin, prod, fleet);

        // 1. The gate: production refuses v1 until it succeeded on staging.
        var refused = await RolloutCalls.CreateAsync(Cloud.Admin, prod, new { artifact = good.Artifact }, HttpStatusCode.Conflict);
        Assert.Contains("has not succeeded on staging", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // 2. Staging: the real gwe installs v1 through its OTA pipeline and keeps it running for the soak.
        var onStaging = await CreateAsync(staging, new { artifact = good.Artifact, waves = "100%", soak = "2s", timeout = "60s" });
        await WaitAsync(staging, onStaging, "succeeded");
        Assert.Equal(("1", AppReport.Running), await AppAsync(staging, "stg-1"));

        // 3. Production, canary first: every gateway ends on v1, running.
        var onProd = await CreateAsync(prod, new { artifact = good.Artifact, waves = "1,100%", soak = "2s", timeout = "60s" });
        var succeeded = await WaitAsync(prod, onProd, "succeeded");
        Assert.Equal(3, succeeded.GetProperty("states").GetProperty("succeeded").GetInt32());
        foreach (var serial in fleet)
        {
            Assert.Equal(("1", AppReport.Running), await AppAsync(prod, serial));
        }

        // 4. A broken build (install.sh exits 1): the canary's install fails, gwe keeps v1 running, the rollout pauses
        //    at the canary wave and nobody else is commanded.
        var onBroken = await CreateAsync(prod, new { artifact = broken.Artifact, waves = "1,100%", soak = "2s", timeout = "60s", skip_staging = "e2e: broken build" });
        var paused = await WaitAsync(prod, onBroken, "paused");
        Assert.Equal(1, paused.GetProperty("wave").GetInt32());
        Assert.Equal(1, paused.GetProperty("states").GetProperty("failed").GetInt32());
        Assert.Equal(2, paused.GetProperty("states").GetProperty("pending").GetInt32());
        var canary = paused.GetProperty("devices").EnumerateArray().Single(d => d.GetProperty("state").GetString() == "failed").GetProperty("serial").GetString()!;
        Assert.Contains("install failed", paused.GetProperty("devices").EnumerateArray().Single(d => d.GetProperty("serial").GetString() == canary).GetProperty("reason").GetString(), StringComparison.Ordinal);
        foreach (var serial in fleet)
        {
            Assert.Equal(("1", AppReport.Running), await AppAsync(prod, serial));
            Assert.Equal(serial == canary ? 1 : 0, await CommandsAsync(prod, serial, onBroken));
        }

        (await Cloud.Admin.PostAsJsonAsync($"api/v1/products/{prod}/rollouts/{onBroken}/cancel", new { reason = "fix the build" })).EnsureSuccessStatusCode();

        // 5. A build that installs fine and then crash-loops: the soak sees the restarts, the rollout aborts and every
        //    updated gateway is sent rollback — and is back on v1, running, by its own engine_report.
        var onCrashing = await CreateAsync(prod, new { artifact = crashing.Artifact, waves = "100%", soak = "30s", timeout = "60s", abort_at = "30%", skip_staging = "e2e: crash loop" });
        var rolledBack = await WaitAsync(prod, onCrashing, "rolled_back");
        Assert.Contains("failed on the new version or timed out", rolledBack.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.All(rolledBack.GetProperty("devices").EnumerateArray(), d => Assert.Equal("rolled_back", d.GetProperty("state").GetString()));
        foreach (var serial in fleet)
        {
            Assert.Equal(("1", AppReport.Running), await AppAsync(prod, serial));
            var answers = await FetchStatusesAsync(prod, serial, onCrashing + "-rollback");
            Assert.Equal(FetchStatuses.RolledBack, Assert.Single(answers).Status);
        }
    }

    private async Task<string> CreateAsync(string pid, object body) =>
        (await RolloutCalls.CreateAsync(Cloud.Admin, pid, body)).GetProperty("id").GetString()!;

    private Task<JsonElement> WaitAsync(string pid, string id, string status) =>
        RolloutCalls.WaitForStatusAsync(Cloud.Admin, pid, id, Patience, status);

    /// <summary>test_app's version and state in the gateway's latest engine_report.</summary>
    private async Task<(string? Version, string? Status)> AppAsync(string pid, string serial)
    {
        var latest = await Cloud.HistoryAsync(pid, serial, "engine_report", limit: 1);
        var app = JsonSerializer.Deserialize(latest.Single().Value, ReportsJsonContext.Default.EngineReport)?.Find("test_app");
        return (app?.Version, app?.Status);
    }

    /// <summary>How many engine_fetch commands the device was given for <paramref name="rolloutId"/>.</summary>
    private async Task<int> CommandsAsync(string pid, string serial, string rolloutId) =>
        (await Cloud.HistoryAsync(pid, serial, "engine_fetch")).Count(h => h.Value.Contains($"\"id\":\"{rolloutId}\"", StringComparison.Ordinal));

    private async Task<List<FetchStatus>> FetchStatusesAsync(string pid, string serial, string commandId) =>
        (await Cloud.HistoryAsync(pid, serial, "fetch_status"))
            .Select(h => JsonSerializer.Deserialize(h.Value, ReportsJsonContext.Default.FetchStatus)!)
            .Where(s => s.Id == commandId)
            .ToList();

    /// <summary><c>tar zcf test_app.vN.tar.gz supervisor.conf install.sh run.sh</c> with GNU tar, as an app author does.</summary>
    private (string Artifact, byte[] Bytes) Tarball(string version, string install, string run)
    {
        var folder = _build.Combine("v" + version);
        Directory.CreateDirectory(folder);
        const UnixFileMode executable = (UnixFileMode)0x1ED; // 0755
        File.WriteAllText(Path.Join(folder, "install.sh"), "#!/bin/sh\n" + install + "\n");
        File.WriteAllText(Path.Join(folder, "run.sh"), "#!/bin/sh\n" + run + "\n");
        File.SetUnixFileMode(Path.Join(folder, "install.sh"), executable);
        File.SetUnixFileMode(Path.Join(folder, "run.sh"), executable);
        File.WriteAllText(Path.Join(folder, "supervisor.conf"), "[program:test_app]\ncommand = %(here)s/run.sh\nstartsecs = 1\nstopwaitsecs = 2\nautorestart = true\n");
        var artifact = $"test_app.v{version}.tar.gz";
        using var tar = Process.Start(new ProcessStartInfo("tar", ["zcf", artifact, "supervisor.conf", "install.sh", "run.sh"])
        {
            WorkingDirectory = folder,
            RedirectStandardError = true,
        })!;
        tar.WaitForExit();
        Assert.True(tar.ExitCode == 0, tar.StandardError.ReadToEnd());
        return (artifact, File.ReadAllBytes(Path.Join(folder, artifact)));
    }
}
