using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Cloud.Rules;
using Outpost.Protocol.Reports;
using Outpost.Testing;
using static Outpost.Cloud.Tests.Rules.RuleHarness;

namespace Outpost.Cloud.Tests.Rules;

public sealed class RuleEngineTests
{
    private const string HotRule = """
        {"name": "hot", "alias": "temp", "op": ">", "value": 30, "clear_when": {"op": "<", "value": 25},
         "actions": [{"alert": {"severity": "critical", "message": "{{serial}} at {{value}}"}}]}
        """;

    private static async Task<(TestCloud Cloud, string Pid)> StartAsync(string? data = null, Action<IServiceCollection>? configure = null)
    {
        var cloud = await TestCloud.StartAsync(data, configure: configure);
        var pid = await cloud.CreateProductAsync();
        await cloud.AddAliasAsync(pid, "temp", "number", settable: false);
        await cloud.AddAliasAsync(pid, "command", "string", settable: true);
        return (cloud, pid);
    }

    [Fact]
    public async Task Acknowledge_ByManyOperatorsAtOnce_ExactlyOneSucceeds_TheRestAre409()
    {
        var (cloud, pid) = await StartAsync();
        await using var _ = cloud;
        await CreateRuleAsync(cloud, pid, HotRule);
        var cik = await cloud.ProvisionAsync(pid, "gw-1");
        await DeviceWriteAsync(cloud, cik, "temp=31.5");
        await CaughtUpAsync(cloud);
        var id = Assert.Single(await AlertsAsync(cloud, pid, "open")).GetProperty("id").GetString();

        // Sixteen acknowledgements released together: the store's conditional update decides, so one wins, and the
        // others learn the alert is acknowledged now (a check before the update would let several "win").
        using var gate = new SemaphoreSlim(0);
        var acks = Enumerable.Range(0, 16).Select(async _ =>
        {
            await gate.WaitAsync();
            using var response = await cloud.Admin.PostAsync($"api/v1/alerts/{id}/ack", null);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }).ToList();
        gate.Release(16);
        var answers = await Task.WhenAll(acks);

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a =>
        {
            Assert.Equal(HttpStatusCode.Conflict, a.StatusCode);
            Assert.Contains($"alert {id} is acknowledged, not open", a.Item2, StringComparison.Ordinal);
        });
        Assert.Equal("acknowledged", Assert.Single(await AlertsAsync(cloud, pid)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task ThresholdAlert_OpensAndClearsWithHysteresis_AndCanBeAcknowledged()
    {
        var (cloud, pid) = await StartAsync();
        await using var _ = cloud;
        var rule = await CreateRuleAsync(cloud, pid, HotRule);
        var cik = await cloud.ProvisionAsync(pid, "gw-1");

        await DeviceWriteAsync(cloud, cik, "temp=20");
        await CaughtUpAsync(cloud);
        Assert.Empty(await AlertsAsync(cloud, pid));

        await DeviceWriteAsync(cloud, cik, "temp=31.5");
        await CaughtUpAsync(cloud);
        var open = Assert.Single(await AlertsAsync(cloud, pid, "open"));
        Assert.Equal(("gw-1", "critical", "gw-1 at 31.5", "hot"),
            (open.GetProperty("serial").GetString(), open.GetProperty("severity").GetString(), open.GetProperty("message").GetString(), open.GetProperty("rule").GetString()));
        var listed = (await cloud.Admin.GetFromJsonAsync<List<JsonElement>>($"api/v1/products/{pid}/rules"))!;
        Assert.Equal(1, Assert.Single(listed).GetProperty("firing").GetInt32());

        await DeviceWriteAsync(cloud, cik, "temp=28"); // inside the band: stays open
        await CaughtUpAsync(cloud);
        var id = open.GetProperty("id").GetString();
        using (var ack = await cloud.Admin.PostAsync($"api/v1/alerts/{id}/ack", null))
        {
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            Assert.Equal("acknowledged", (await ack.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        }

        using (var again = await cloud.Admin.PostAsync($"api/v1/alerts/{id}/ack", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        await DeviceWriteAsync(cloud, cik, "temp=24");
        await CaughtUpAsync(cloud);
        var cleared = Assert.Single(await AlertsAsync(cloud, pid));
        Assert.Equal("cleared", cleared.GetProperty("state").GetString());
        Assert.True(cleared.GetProperty("acknowledged").ValueKind == JsonValueKind.String);

        await DeviceWriteAsync(cloud, cik, "temp=35");
        await CaughtUpAsync(cloud);
        Assert.Equal(2, (await AlertsAsync(cloud, pid)).Count);
        Assert.Single(await AlertsAsync(cloud, pid, "open"));
        Assert.Equal("hot", rule.GetProperty("name").GetString());
    }

    [Fact]
    public async Task JsonPathRule_OnUsageReport_AndWindowedAverage()
    {
        var (cloud, pid) = await StartAsync();
        await using var _ = cloud;
        await CreateRuleAsync(cloud, pid, await File.ReadAllTextAsync(Path.Combine(ExamplesDirectory(), "disk-full.json")));
        await CreateRuleAsync(cloud, pid, await File.ReadAllTextAsync(Path.Combine(ExamplesDirectory(), "hot-average.json")));
        var cik = await cloud.ProvisionAsync(pid, "gw-1");

        // The usage_report gwe writes (its own record and JSON context): the shipped rule must read a field it has.
        static string Report(long freeMiB) => Uri.EscapeDataString(JsonSerializer.Serialize(
            new UsageReport(60, new Dictionary<string, InterfaceUsage>(),
                [new DiskUsage("/boot", 512L << 20, 511L << 20, 1L << 20), new DiskUsage("/", 8L << 30, (8L << 30) - (freeMiB << 20), freeMiB << 20)],
                new EngineTraffic(new Dictionary<string, SourceTraffic>(), 0, 0, null)),
            ReportsJsonContext.Default.UsageReport));
        await DeviceWriteAsync(cloud, cik, "usage_report=" + Report(1500));
        await DeviceWriteAsync(cloud, cik, "temp=20");
        await DeviceWriteAsync(cloud, cik, "temp=39"); // average 29.5: below 30 although the value is above
        await CaughtUpAsync(cloud);
        Assert.Empty(await AlertsAsync(cloud, pid));

        await DeviceWriteAsync(cloud, cik, "usage_report=" + Report(700));
        await DeviceWriteAsync(cloud, cik, "temp=35"); // average 31.3
        await CaughtUpAsync(cloud);
        var alerts = await AlertsAsync(cloud, pid, "open");
        Assert.Equal(["disk-full", "hot-average"], alerts.Select(a => a.GetProperty("rule").GetString()).Order());
        Assert.Contains(alerts, a => a.GetProperty("message").GetString() == $"gw-1: / has {700L << 20} bytes free");

        await DeviceWriteAsync(cloud, cik, "usage_report=" + Report(1500)); // under 2 GiB: still open (hysteresis)
        await CaughtUpAsync(cloud);
        Assert.Single(await AlertsAsync(cloud, pid, "open"), a => a.GetProperty("rule").GetString() == "disk-full");

        await DeviceWriteAsync(cloud, cik, "usage_report=" + Report(3000));
        await DeviceWriteAsync(cloud, cik, "temp=0"); // average 23.5 < 27
        await CaughtUpAsync(cloud);
        Assert.Empty(await AlertsAsync(cloud, pid, "open"));
        Assert.Equal(2, (await AlertsAsync(cloud, pid, "cleared")).Count);
    }

    [Fact]
    public async Task RulesApi_RefusesBadDefinitions_MasksSecrets_AndEnablesDisablesDeletes()
    {
        var (cloud, pid) = await StartAsync();
        await using var _ = cloud;
        var bad = await CreateRuleAsync(cloud, pid, """{"name": "x", "alias": "temp", "op": "=>", "value": 1, "actions": [{"alert": {}}]}""", HttpStatusCode.BadRequest);
        Assert.StartsWith("op: must be one of", bad.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var badAlias = await CreateRuleAsync(cloud, pid, """{"name": "x", "alias": "temp", "op": ">", "value": 1, "actions": [{"write": {"alias": "temp", "value": "1"}}]}""", HttpStatusCode.BadRequest);
        Assert.Equal("actions[0].write.alias: alias 'temp' is not settable from the cloud", badAlias.GetProperty("detail").GetString());
        await CreateRuleAsync(cloud, "nosuchproduct", HotRule, HttpStatusCode.NotFound);

        const string Secret = "a-webhook-secret-nobody-may-read";
        var created = await CreateRuleAsync(cloud, pid, $$$"""
            {"name": "hook", "alias": "temp", "op": ">", "value": 1, "enabled": false, "actions": [{"webhook": {"url": "http://127.0.0.1:9/x", "secret": "{{{Secret}}}"}}]}
            """);
        Assert.False(created.GetProperty("enabled").GetBoolean());
        Assert.Equal("(set)", created.GetProperty("definition").GetProperty("actions")[0].GetProperty("webhook").GetProperty("secret").GetString());
        await CreateRuleAsync(cloud, pid, """{"name": "hook", "alias": "temp", "op": ">", "value": 1, "actions": [{"alert": {}}]}""", HttpStatusCode.Conflict);

        using var viewer = await TokenClientAsync(cloud, "viewer");
        await CreateRuleAsync(cloud, pid, HotRule, HttpStatusCode.Forbidden, viewer);
        var id = created.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"api/v1/rules/{id}")).StatusCode);

        using (var enable = await cloud.Admin.PostAsync($"api/v1/rules/{id}/enable", null))
        {
            Assert.True((await enable.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("enabled").GetBoolean());
        }

        Assert.Equal(HttpStatusCode.NoContent, (await cloud.Admin.DeleteAsync($"api/v1/rules/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cloud.Admin.GetAsync($"api/v1/rules/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cloud.Admin.PostAsync($"api/v1/rules/{id}/disable", null)).StatusCode);

        var openApi = await cloud.Admin.GetStringAsync("api/v1/openapi.json");
        foreach (var path in new[] { "/api/v1/products/{pid}/rules", "/api/v1/rules/{id}/disable", "/api/v1/alerts/{id}/ack", "/api/v1/products/{pid}/webhook-deliveries" })
        {
            Assert.Contains($"\"{path}\"", openApi, StringComparison.Ordinal);
        }

        // The secret is encrypted at rest: not in the database file nor its write-ahead log.
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(cloud.DataDirectory, "outpost.db*"))
        {
            Assert.DoesNotContain(Secret, System.Text.Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task StoppedConsumer_CatchesUpAfterARestart_AndRedeliveryChangesNothing()
    {
        using var data = new TempDirectory("outpost-rules");
        static void WithoutRules(IServiceCollection services) =>
            services.Remove(services.Single(d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService) && d.ImplementationType == typeof(RuleEventConsumer)));

        string pid;
        var serials = Enumerable.Range(0, 10).Select(i => $"gw-{i}").ToArray();
        var (cloud, p) = await StartAsync(data.Path, WithoutRules);
        pid = p;
        await using (cloud)
        {
            await CreateRuleAsync(cloud, pid, """
                {"name": "hot", "alias": "temp", "op": ">", "value": 30, "actions": [{"alert": {}}, {"write": {"alias": "command", "value": "cool {{value}}"}}]}
                """);
            foreach (var serial in serials)
            {
                var cik = await cloud.ProvisionAsync(pid, serial);
                await DeviceWriteAsync(cloud, cik, "temp=31");
                if (serial is "gw-0" or "gw-1" or "gw-2")
                {
                    await DeviceWriteAsync(cloud, cik, "temp=20");
                }
            }

            Assert.Equal(0, cloud.Services.GetRequiredService<RuleEngine>().Progress);
            Assert.Empty(await AlertsAsync(cloud, pid)); // the consumer is down: ingest went on without it
        }

        async Task AssertOutcomeAsync(TestCloud c)
        {
            await CaughtUpAsync(c);
            Assert.Equal(10, (await AlertsAsync(c, pid)).Count);
            Assert.Equal(["gw-0", "gw-1", "gw-2"], (await AlertsAsync(c, pid, "cleared")).Select(a => a.GetProperty("serial").GetString()).Order());
            foreach (var serial in serials)
            {
                Assert.Equal(["cool 31"], (await c.HistoryAsync(pid, serial, "command")).Select(h => h.Value));
            }
        }

        await using (var restarted = await TestCloud.StartAsync(data.Path))
        {
            await AssertOutcomeAsync(restarted);
        }

        // A crash before any offset was committed: every event comes again. Alerts and writes happen once.
        SqliteConnection.ClearAllPools();
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(data.Path, "outpost.db")}"))
        {
            await db.OpenAsync();
            await using var reset = db.CreateCommand();
            reset.CommandText = "DELETE FROM rule_progress; UPDATE consumer_offsets SET offset_id = 0 WHERE consumer = 'rules';";
            await reset.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        await using (var replayed = await TestCloud.StartAsync(data.Path))
        {
            await AssertOutcomeAsync(replayed);
        }
    }

    internal static async Task<HttpClient> TokenClientAsync(TestCloud cloud, string role)
    {
        using var response = await cloud.Admin.PostAsJsonAsync("api/v1/tokens", new { name = role + "-test", role });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        var client = new HttpClient { BaseAddress = cloud.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
