using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Cloud.Rollouts;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Rollouts;

public sealed class RolloutEngineTests
{
    private static Task UploadAsync(TestCloud cloud, string pid, string artifact, byte[] bytes) => RolloutCalls.UploadAsync(cloud.Admin, pid, artifact, bytes);

    private static Task<JsonElement> CreateAsync(TestCloud cloud, string pid, object body, HttpStatusCode expected = HttpStatusCode.Created) =>
        RolloutCalls.CreateAsync(cloud.Admin, pid, body, expected);

    private static Task<JsonElement> WaitForStatusAsync(TestCloud cloud, string pid, string id, params string[] statuses) =>
        RolloutCalls.WaitForStatusAsync(cloud.Admin, pid, id, statuses);

    [Fact]
    public async Task StagingGate_RefusesUntilTheArtifactSucceededOnStaging_ThenProductionSucceeds()
    {
        await using var cloud = await TestCloud.StartAsync();
        var prod = await cloud.CreateProductAsync();
        var staging = "s" + prod[1..];
        (await cloud.Admin.PostAsJsonAsync($"api/v1/products/{prod}/clone", new { id = staging, staging_of = prod })).EnsureSuccessStatusCode();
        var artifact = "test_app.v2.tar.gz";
        await UploadAsync(cloud, prod, artifact, [1, 2, 3]);
        await UploadAsync(cloud, staging, artifact, [1, 2, 3]);
        await using var s1 = await ScriptedGateway.StartAsync(cloud, staging, "stg-1");
        await using var p1 = await ScriptedGateway.StartAsync(cloud, prod, "prd-1");
        await using var p2 = await ScriptedGateway.StartAsync(cloud, prod, "prd-2");

        var refused = await CreateAsync(cloud, prod, new { artifact, waves = "1,100%", soak = "1s" }, HttpStatusCode.Conflict);
        Assert.Contains("has not succeeded on staging", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var onStaging = await CreateAsync(cloud, staging, new { artifact, waves = "100%", soak = "1s" });
        await WaitForStatusAsync(cloud, staging, onStaging.GetProperty("id").GetString()!, "succeeded");

        var onProd = await CreateAsync(cloud, prod, new { artifact, waves = "1,100%", soak = "1s" });
        var done = await WaitForStatusAsync(cloud, prod, onProd.GetProperty("id").GetString()!, "succeeded");
        Assert.Equal(2, done.GetProperty("states").GetProperty("succeeded").GetInt32());
        Assert.Equal(("2", "2"), (p1.Version, p2.Version));
        Assert.Equal((1, 1), (p1.InstallsReceived, p2.InstallsReceived));

        var audit = await cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{prod}/audit");
        Assert.Contains(audit.EnumerateArray(), a => a.GetProperty("action").GetString() == "create");
    }

    [Fact]
    public async Task StagingRollout_WhereEveryInstallFailed_ResumedByAPerson_EndsAborted_AndTheGateStaysShut()
    {
        await using var cloud = await TestCloud.StartAsync();
        var prod = await cloud.CreateProductAsync();
        var staging = "s" + prod[1..];
        (await cloud.Admin.PostAsJsonAsync($"api/v1/products/{prod}/clone", new { id = staging, staging_of = prod })).EnsureSuccessStatusCode();
        var artifact = "test_app.v2.tar.gz";
        await UploadAsync(cloud, prod, artifact, [4, 5]);
        await UploadAsync(cloud, staging, artifact, [4, 5]);
        await using var s1 = await ScriptedGateway.StartAsync(cloud, staging, "stg-1", behaviour: ScriptedGateway.InstallBehaviour.FailsInstall);
        await cloud.ProvisionAsync(prod, "prd-1");

        var id = (await CreateAsync(cloud, staging, new { artifact, waves = "100%", soak = "1s" })).GetProperty("id").GetString()!;
        await WaitForStatusAsync(cloud, staging, id, "paused");
        var resumed = await cloud.Admin.PostAsJsonAsync($"api/v1/products/{staging}/rollouts/{id}/resume", new { reason = "looks flaky" });
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);

        var done = await WaitForStatusAsync(cloud, staging, id, "aborted", "succeeded");
        Assert.Equal(("aborted", "no device succeeded: 1 of 1 failed or timed out"), (done.GetProperty("status").GetString(), done.GetProperty("reason").GetString()));
        var refused = await CreateAsync(cloud, prod, new { artifact, waves = "100%" }, HttpStatusCode.Conflict);
        Assert.Contains("has not succeeded on staging", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollout_OnAProductWithoutTheGatewayAliases_IsRefusedWith400_AndNothingIsCreated()
    {
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync(template: "empty");
        await UploadAsync(cloud, pid, "test_app.v2.tar.gz", [1]);
        await cloud.AddDevicesAsync(pid, "gw-1");

        var refused = await CreateAsync(cloud, pid, new { artifact = "test_app.v2.tar.gz" }, HttpStatusCode.BadRequest);
        Assert.Equal($"product {pid} lacks the gateway aliases engine_fetch, fetch_status, engine_report a rollout needs "
            + "(engine_fetch settable; a product made with the gateway template has them)", refused.GetProperty("detail").GetString());
        Assert.Empty((await cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/rollouts")).EnumerateArray());
    }

    [Fact]
    public async Task Rollout_NamingSerialsTheProductDoesNotHave_OrSerialsAndTagsTogether_IsRefused_AndNothingIsCreated()
    {
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync();
        await UploadAsync(cloud, pid, "test_app.v2.tar.gz", [1]);
        await cloud.ProvisionAsync(pid, "gw-1");
        await cloud.ProvisionAsync(pid, "gw-2");

        var typo = await CreateAsync(cloud, pid, new { artifact = "test_app.v2.tar.gz", serials = new[] { "gw-1", "gw-l", "gw-9" } }, HttpStatusCode.BadRequest);
        Assert.Equal($"2 serials are not a device of product {pid}: gw-l, gw-9", typo.GetProperty("detail").GetString());
        var both = await CreateAsync(cloud, pid, new { artifact = "test_app.v2.tar.gz", serials = new[] { "gw-1" }, target_tags = new { site = "north" } }, HttpStatusCode.BadRequest);
        Assert.Equal("give target_tags or serials, not both", both.GetProperty("detail").GetString());
        Assert.Empty((await cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/rollouts")).EnumerateArray());

        var listed = await CreateAsync(cloud, pid, new { artifact = "test_app.v2.tar.gz", serials = new[] { "gw-2" } });
        Assert.Equal(1, listed.GetProperty("states").GetProperty("commanded").GetInt32());
    }

    [Theory]
    [InlineData("""{"artifact":"test_app.v2.tar.gz","serials":[]}""", "serials is empty: name at least one serial, or leave serials out to target every device")]
    [InlineData("""{"artifact":"test_app.v2.tar.gz","target_tags":{}}""", "target_tags is empty: give at least one tag, or leave target_tags out to target every device")]
    [InlineData("""{"artifact":"test_app.v2.tar.gz","serials":[],"target_tags":{}}""", "serials is empty: name at least one serial, or leave serials out to target every device")]
    public async Task Create_WithAnEmptySerialListOrTagSelector_Is400_NotTheWholeFleet(string body, string detail)
    {
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync();
        await UploadAsync(cloud, pid, "test_app.v2.tar.gz", [1]);
        await cloud.ProvisionAsync(pid, "gw-1");
        await cloud.ProvisionAsync(pid, "gw-2");
        using var response = await cloud.Admin.PostAsync($"api/v1/products/{pid}/rollouts", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Equal(detail, JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString());
        Assert.Equal("[]", await cloud.Admin.GetStringAsync($"api/v1/products/{pid}/rollouts"));
        Assert.Empty(await cloud.HistoryAsync(pid, "gw-1", "engine_fetch"));
    }

    [Theory]
    [InlineData("2h", "1m", "soak (2h) must be shorter than the timeout (1m)")]
    [InlineData("30m", null, "soak (30m) must be shorter than the timeout (30m)")]
    [InlineData(null, "5m", "soak (5m) must be shorter than the timeout (5m)")]
    public async Task Create_WithASoakNoShorterThanTheTimeout_Is400(string? soak, string? timeout, string detail)
    {
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync();
        await UploadAsync(cloud, pid, "test_app.v2.tar.gz", [1]);
        await cloud.ProvisionAsync(pid, "gw-1");

        var refused = await CreateAsync(cloud, pid, new { artifact = "test_app.v2.tar.gz", soak, timeout }, HttpStatusCode.BadRequest);

        Assert.StartsWith(detail, refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("[]", await cloud.Admin.GetStringAsync($"api/v1/products/{pid}/rollouts"));
    }

    [Fact]
    public async Task Create_WhileAnotherActiveRolloutHoldsSomeOfTheDevices_Is409NamingIt_UntilItIsCancelled()
    {
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync();
        await UploadAsync(cloud, pid, "test_app.v3.tar.gz", [3]);
        await UploadAsync(cloud, pid, "test_app.v4.tar.gz", [4]);
        foreach (var serial in new[] { "gw-1", "gw-2", "gw-3" })
        {
            await cloud.ProvisionAsync(pid, serial); // activated, silent: the rollout stays running
        }

        var v3 = (await CreateAsync(cloud, pid, new { artifact = "test_app.v3.tar.gz", serials = new[] { "gw-1", "gw-2" } })).GetProperty("id").GetString()!;
        var v4 = await CreateAsync(cloud, pid, new { artifact = "test_app.v4.tar.gz" }, HttpStatusCode.Conflict);
        Assert.Equal($"rollout {v3} is active on 2 of these devices; wait for it, or cancel it first", v4.GetProperty("detail").GetString());
        var again = await CreateAsync(cloud, pid, new { artifact = "test_app.v3.tar.gz", serials = new[] { "gw-2" } }, HttpStatusCode.Conflict);
        Assert.Equal($"rollout {v3} is active on 1 of these devices; wait for it, or cancel it first", again.GetProperty("detail").GetString());
        Assert.Single((await cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/rollouts")).EnumerateArray());
        Assert.Empty(await cloud.HistoryAsync(pid, "gw-3", "engine_fetch"));

        // Devices no active rollout holds may get one meanwhile; once the first is cancelled, its devices are free.
        await CreateAsync(cloud, pid, new { artifact = "test_app.v4.tar.gz", serials = new[] { "gw-3" } });
        (await cloud.Admin.PostAsJsonAsync($"api/v1/rollouts/{v3}/cancel", new { })).EnsureSuccessStatusCode();
        await CreateAsync(cloud, pid, new { artifact = "test_app.v4.tar.gz", serials = new[] { "gw-1", "gw-2" } });
    }

    [Fact]
    public async Task HealthyRollout_WithNeverActivatedAndOfflineDevices_Succeeds_LeavesTheFirstOut_AndNeverRollsBackTheSecond()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var cloud = await TestCloud.StartAsync(clock: clock);
        var pid = await cloud.CreateProductAsync();
        await UploadAsync(cloud, pid, "test_app.v2.tar.gz", [2]);
        await using var g1 = await ScriptedGateway.StartAsync(cloud, pid, "gw-1");
        await using var g2 = await ScriptedGateway.StartAsync(cloud, pid, "gw-2");
        await using var g3 = await ScriptedGateway.StartAsync(cloud, pid, "gw-3");
        await cloud.AddDevicesAsync(pid, "spare-1", "spare-2"); // registered, never activated
        await cloud.ProvisionAsync(pid, "offline-1");             // activated, then gone: never polls
        var engine = cloud.Services.GetRequiredService<RolloutEngine>();

        var created = await CreateAsync(cloud, pid, new { artifact = "test_app.v2.tar.gz", waves = "100%", soak = "5s", timeout = "1m", pause_at = "5%", abort_at = "20%" });
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal(4, created.GetProperty("states").EnumerateObject().Sum(p => p.Value.GetInt32()));
        // The fake clock stops the events long poll the usual wait uses: this test polls the rollout instead.
        Task<JsonElement> ReadAsync() => cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/rollouts/{id}?devices=true");
        var rollout = await PollAsync(ReadAsync, r => RolloutCalls.Count(r, 1, "soaking") == 3);
        // The soak clock starts with each gateway's healthy report, which the engine may not have seen yet: time moves
        // a second at a time (the soak is 5 s) until all three succeeded, far from the minute the offline one has.
        for (var i = 0; i < 100 && RolloutCalls.Count(rollout, 1, "succeeded") < 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await engine.TickAsync(CancellationToken.None);
            rollout = await PollAsync(ReadAsync, r => RolloutCalls.Count(r, 1, "succeeded") == 3, TimeSpan.FromSeconds(1));
        }

        Assert.Equal(3, RolloutCalls.Count(rollout, 1, "succeeded"));
        clock.Advance(TimeSpan.FromMinutes(1));
        await engine.TickAsync(CancellationToken.None);

        var done = await ReadAsync();
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal((3, 1), (RolloutCalls.Count(done, 1, "succeeded"), RolloutCalls.Count(done, 1, "not_reached")));
        Assert.DoesNotContain(done.GetProperty("devices").EnumerateArray(), d => d.GetProperty("serial").GetString()!.StartsWith("spare-", StringComparison.Ordinal));
        Assert.Equal((0, 0, 0), (g1.RollbacksDone, g2.RollbacksDone, g3.RollbacksDone));
        Assert.Single(await cloud.HistoryAsync(pid, "offline-1", "engine_fetch")); // the install only, no rollback
        Assert.Empty(await cloud.HistoryAsync(pid, "spare-1", "engine_fetch"));
    }

    [Fact]
    public async Task Create_OnlyNeverActivatedDevices_Is400_SayingSo()
    {
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync();
        await UploadAsync(cloud, pid, "test_app.v2.tar.gz", [2]);
        await cloud.AddDevicesAsync(pid, "spare-1", "spare-2");
        var refused = await CreateAsync(cloud, pid, new { artifact = "test_app.v2.tar.gz" }, HttpStatusCode.BadRequest);
        Assert.Equal("the target has no activated devices (2 never activated, 0 disabled)", refused.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task SkipStaging_IsAllowedWithAReason_AndAudited()
    {
        await using var cloud = await TestCloud.StartAsync();
        var prod = await cloud.CreateProductAsync();
        (await cloud.Admin.PostAsJsonAsync($"api/v1/products/{prod}/clone", new { id = "s" + prod[1..], staging_of = prod })).EnsureSuccessStatusCode();
        await UploadAsync(cloud, prod, "test_app.v2.tar.gz", [1]);
        await cloud.ProvisionAsync(prod, "gw-1");
        var created = await CreateAsync(cloud, prod, new { artifact = "test_app.v2.tar.gz", skip_staging = "hotfix for CVE-1" });
        Assert.Equal("hotfix for CVE-1", created.GetProperty("skip_staging").GetString());
        var audit = await cloud.Admin.GetStringAsync($"api/v1/products/{prod}/audit");
        Assert.Contains("staging skipped: hotfix for CVE-1", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenArtifact_PausesAtTheCanaryWave()
    {
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync();
        await UploadAsync(cloud, pid, "test_app.v2.tar.gz", [9]);
        var gateways = new List<ScriptedGateway>();
        for (var i = 0; i < 3; i++)
        {
            gateways.Add(await ScriptedGateway.StartAsync(cloud, pid, $"gw-{i}", behaviour: ScriptedGateway.InstallBehaviour.FailsInstall));
        }

        var rollout = await CreateAsync(cloud, pid, new { artifact = "test_app.v2.tar.gz", waves = "1,100%", soak = "1s" });
        var paused = await WaitForStatusAsync(cloud, pid, rollout.GetProperty("id").GetString()!, "paused");
        Assert.Equal(1, paused.GetProperty("wave").GetInt32());
        Assert.Equal(1, paused.GetProperty("states").GetProperty("failed").GetInt32());
        Assert.Equal(2, paused.GetProperty("states").GetProperty("pending").GetInt32());
        Assert.Equal(1, gateways.Sum(g => g.InstallsReceived));
        foreach (var g in gateways)
        {
            await g.DisposeAsync();
        }
    }

    [Fact]
    public async Task CrashLoopingArtifact_AbortsAndRollsTheUpdatedDevicesBack()
    {
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync();
        await UploadAsync(cloud, pid, "test_app.v2.tar.gz", [7]);
        await using var g1 = await ScriptedGateway.StartAsync(cloud, pid, "gw-1", behaviour: ScriptedGateway.InstallBehaviour.CrashLoops);
        await using var g2 = await ScriptedGateway.StartAsync(cloud, pid, "gw-2", behaviour: ScriptedGateway.InstallBehaviour.CrashLoops);

        var rollout = await CreateAsync(cloud, pid, new { artifact = "test_app.v2.tar.gz", waves = "100%", soak = "30s", abort_at = "50%" });
        var done = await WaitForStatusAsync(cloud, pid, rollout.GetProperty("id").GetString()!, "rolled_back");
        // Both were on version 1 before: "1" alone cannot tell a rollback from an install that never happened.
        Assert.Equal((1, 1), (g1.InstallsReceived, g2.InstallsReceived));
        Assert.Equal((1, 1), (g1.RollbacksDone, g2.RollbacksDone));
        Assert.Equal("1", g1.Version);
        Assert.Equal("1", g2.Version);
        Assert.Contains("failed on the new version or timed out", done.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operator_PausesResumesAndCancels_BadTransitionsAre409()
    {
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync();
        await UploadAsync(cloud, pid, "test_app.v2.tar.gz", [1]);
        await cloud.ProvisionAsync(pid, "silent-1"); // activated, never polls
        await cloud.ProvisionAsync(pid, "silent-2");
        var id = (await CreateAsync(cloud, pid, new { artifact = "test_app.v2.tar.gz", waves = "1,100%" })).GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.Conflict, (await cloud.Admin.PostAsJsonAsync($"api/v1/products/{pid}/rollouts/{id}/resume", new { })).StatusCode);
        Assert.Equal("paused", (await (await cloud.Admin.PostAsJsonAsync($"api/v1/products/{pid}/rollouts/{id}/pause", new { reason = "lunch" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal("running", (await (await cloud.Admin.PostAsJsonAsync($"api/v1/products/{pid}/rollouts/{id}/resume", new { })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal("cancelled", (await (await cloud.Admin.PostAsJsonAsync($"api/v1/products/{pid}/rollouts/{id}/cancel", new { reason = "wrong build" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await cloud.Admin.PostAsJsonAsync($"api/v1/products/{pid}/rollouts/{id}/abort", new { })).StatusCode);
        // Nothing of a cancelled rollout stays in flight: the commanded canary and the pending device are stopped.
        var cancelled = await cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/rollouts/{id}");
        Assert.Equal("{\"stopped\":2}", cancelled.GetProperty("states").GetRawText());

        var actions = (await cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/audit?rollout={id}")).EnumerateArray().Select(a => a.GetProperty("action").GetString());
        Assert.Equal(["create", "pause", "resume", "cancel"], actions);
    }

    [Fact]
    public async Task Command_RefusedBecauseTheRolloutMovedOnMeanwhile_Is409_NamingTheStateItFound()
    {
        await using var cloud = await TestCloud.StartAsync(configure: InterleavingRolloutStore.Register);
        var pid = await cloud.CreateProductAsync();
        await UploadAsync(cloud, pid, "test_app.v2.tar.gz", [1]);
        await cloud.ProvisionAsync(pid, "silent-1"); // activated, never polls
        await cloud.ProvisionAsync(pid, "silent-2");
        var id = (await CreateAsync(cloud, pid, new { artifact = "test_app.v2.tar.gz", waves = "1,100%" })).GetProperty("id").GetString()!;
        var store = (InterleavingRolloutStore)cloud.Services.GetRequiredService<IRolloutStore>();
        var engine = cloud.Services.GetRequiredService<RolloutEngine>();

        // Another operator cancels the rollout just after the pause request read it as running.
        store.AfterNextRead = () => engine.CommandAsync(id, RolloutInputKind.Cancel, "other operator", "wrong build", CancellationToken.None);
        using var pause = await cloud.Admin.PostAsJsonAsync($"api/v1/products/{pid}/rollouts/{id}/pause", new { reason = "lunch" });
        var body = await pause.Content.ReadAsStringAsync();

        Assert.True(pause.StatusCode == HttpStatusCode.Conflict, $"{(int)pause.StatusCode}: {body}");
        Assert.Contains("cannot pause a rollout that is cancelled", body, StringComparison.Ordinal);
        var actions = (await cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/audit?rollout={id}")).EnumerateArray().Select(a => a.GetProperty("action").GetString());
        Assert.Equal(["create", "cancel"], actions);
    }

    [Theory]
    [InlineData("""{"artifact":"nosuch.v1.tar.gz"}""")]
    [InlineData("""{"artifact":"not-a-tarball"}""")]
    [InlineData("""{"artifact":"test_app.v2.tar.gz","waves":"10%,5%"}""")]
    [InlineData("""{"artifact":"test_app.v2.tar.gz","soak":"forever"}""")]
    [InlineData("""{"artifact":"test_app.v2.tar.gz","pause_at":"150%"}""")]
    [InlineData("""{"artifact":"test_app.v2.tar.gz","target_tags":{"site":"nowhere"}}""")]
    [InlineData("""{"artifact":"test_app.v2.tar.gz","serials":["gw-1",null]}""")]
    [InlineData("""{"artifact":"test_app.v2.tar.gz","target_tags":{"site":null}}""")]
    [InlineData("""{}""")]
    public async Task Create_BadInput_Is400(string body)
    {
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync();
        await UploadAsync(cloud, pid, "test_app.v2.tar.gz", [1]);
        await cloud.ProvisionAsync(pid, "gw-1");
        using var response = await cloud.Admin.PostAsync($"api/v1/products/{pid}/rollouts", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("[]", await cloud.Admin.GetStringAsync($"api/v1/products/{pid}/rollouts"));
    }

    [Fact]
    public async Task RestartOfTheServer_MidRollout_ResumesWithoutCommandingAnyDeviceTwice()
    {
        using var data = new TempDirectory("outpost-rollout-restart");
        string pid, id;
        var cloud = await TestCloud.StartAsync(data.Path);
        pid = await cloud.CreateProductAsync();
        await UploadAsync(cloud, pid, "test_app.v2.tar.gz", [5]);
        var gateways = new List<ScriptedGateway>();
        for (var i = 0; i < 4; i++)
        {
            gateways.Add(await ScriptedGateway.StartAsync(cloud, pid, $"gw-{i}"));
        }

        id = (await CreateAsync(cloud, pid, new { artifact = "test_app.v2.tar.gz", waves = "1,100%", soak = "3s" })).GetProperty("id").GetString()!;
        // Mid-rollout: the canary is commanded, the second wave waits for its soak.
        await RolloutCalls.WaitForAsync(cloud.Admin, pid, id, TimeSpan.FromSeconds(60), "the canary commanded", r => RolloutCalls.Count(r, 1, "pending") == 0);
        foreach (var g in gateways)
        {
            await g.DisposeAsync();
        }

        await cloud.DisposeAsync();
        var restartedAt = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

        await using var restarted = await TestCloud.StartAsync(data.Path);
        var comeback = new List<ScriptedGateway>();
        for (var i = 0; i < 4; i++)
        {
            // A gateway keeps its own state across the cloud's restart: it runs whatever version it last reported.
            var latest = await restarted.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/devices/gw-{i}/values?alias=engine_report");
            var report = JsonSerializer.Deserialize(latest.GetProperty("engine_report").GetProperty("value").GetString()!, Outpost.Protocol.Reports.ReportsJsonContext.Default.EngineReport)!;
            comeback.Add(await ScriptedGateway.StartAsync(restarted, pid, $"gw-{i}", version: report.Find("test_app")!.Version, comeback: true));
        }

        await WaitForStatusAsync(restarted, pid, id, "succeeded");
        var commands = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            commands.AddRange((await restarted.HistoryAsync(pid, $"gw-{i}", "engine_fetch")).Select(h => h.Ts));
        }

        foreach (var g in comeback)
        {
            await g.DisposeAsync();
        }

        Assert.Equal(4, commands.Count);
        // The restart really came mid-rollout: some commands before it, the rest by the restarted node.
        Assert.Contains(commands, ts => ts < restartedAt);
        Assert.Contains(commands, ts => ts >= restartedAt);
    }

    [Fact]
    public async Task CrashBetweenSavingAndWriting_OnRestartOnlyTheUnwrittenCommandsAreWritten()
    {
        using var data = new TempDirectory("outpost-rollout-unwritten");
        var cloud = await TestCloud.StartAsync(data.Path);
        var pid = await cloud.CreateProductAsync();
        await UploadAsync(cloud, pid, "test_app.v2.tar.gz", [5]);
        await cloud.AddDevicesAsync(pid, "gw-1", "gw-2", "gw-3");
        // The engine loads the active rollouts once; have it do so now (an operator's command on no rollout goes through
        // that load), so this process never sees the rollout stored below. Else its ticker could load it first and write
        // every command itself before this test writes gw-3's: two for gw-3, a race of the test's making.
        Assert.Equal(HttpStatusCode.NotFound, (await cloud.Admin.PostAsJsonAsync($"api/v1/products/{pid}/rollouts/ro_none/pause", new { })).StatusCode);
        const string id = "ro_crashwindow";
        // The state a crash leaves: the snapshot says all three were commanded (it is saved first), but only gw-3's
        // command reached engine_fetch before the process died.
        Assert.True(WavePlan.TryParse("100%", out var waves, out _));
        var now = TimeProvider.System.GetUtcNow();
        var plan = RolloutMachine.Plan(["gw-1", "gw-2", "gw-3"], waves);
        var snapshot = plan with
        {
            Status = RolloutStatus.Running,
            Devices = [.. plan.Devices.Select(d => d with { State = DeviceRolloutState.Commanded, CommandedAt = now })],
        };
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([5]));
        await cloud.Services.GetRequiredService<IRolloutStore>().CreateAsync(
            new Rollout(id, pid, "test_app.v2.tar.gz", sha, "all", "100%", new RolloutSettings("test_app", "2", TimeSpan.FromMinutes(1), 0.5, 0.9, TimeSpan.FromMinutes(10), 100),
                snapshot, "test", now, now, null),
            CancellationToken.None);
        var command = new Outpost.Protocol.Commands.EngineCommand(
            Outpost.Protocol.Commands.EngineVerb.Install, [new Outpost.Protocol.Commands.EngineTarget("test_app.v2.tar.gz", sha)], id).ToJson();
        (await cloud.Admin.PostAsJsonAsync($"api/v1/products/{pid}/devices/gw-3/values", new Dictionary<string, string> { ["engine_fetch"] = command })).EnsureSuccessStatusCode();
        await cloud.DisposeAsync();

        await using var restarted = await TestCloud.StartAsync(data.Path);
        foreach (var serial in new[] { "gw-1", "gw-2" })
        {
            // The ticker resumes the rollout within a second of the start.
            await PollAsync(() => restarted.HistoryAsync(pid, serial, "engine_fetch"), h => h.Count > 0);
        }

        // gw-3 held its command before the restart, so waiting for it proves nothing: a tick of our own, which runs
        // only after the resuming pass has finished (ticks take turns), makes any second write to gw-3 visible.
        await restarted.Services.GetRequiredService<RolloutEngine>().TickAsync(CancellationToken.None);
        foreach (var serial in new[] { "gw-1", "gw-2", "gw-3" })
        {
            // Each device holds its command once.
            Assert.Equal(command, Assert.Single(await restarted.HistoryAsync(pid, serial, "engine_fetch")).Value);
        }

        Assert.Equal("running", (await restarted.Admin.GetFromJsonAsync<JsonElement>($"api/v1/rollouts/{id}")).GetProperty("status").GetString());
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? patience = null)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)((patience ?? TimeSpan.FromSeconds(30)).TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (true)
        {
            var value = await read();
            if (done(value) || TimeProvider.System.GetTimestamp() > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }
}
