using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Data.Sqlite;
using Outpost.Cloud.Tests.DeviceApi;
using Outpost.Testing;
using static Outpost.Cloud.Tests.Rules.RuleHarness;

namespace Outpost.Cloud.Tests.Rules;

public sealed class RuleKillNineTests
{
    private const int Devices = 4;
    // Recorded in bulk, a few requests per device: ingest outruns the rules consumer, which must evaluate each point and
    // write its copy (as one value a request, the consumer kept up and was never behind at the kill).
    private const int WritesPerDevice = 1000;
    private const int PointsPerRequest = 250;

    [Fact]
    public async Task KillNine_WhileTheRulesConsumerIsBehind_RestartCatchesUp_EveryRuleWriteExactlyOnce()
    {
        using var data = new TempDirectory("outpost-rules-kill9");
        var token = "opt_rules_kill9_" + Guid.NewGuid().ToString("N");
        var pid = "r" + Guid.NewGuid().ToString("N")[..15];
        await using (var server = await CloudProcess.StartAsync(data.Path, token))
        {
            using var admin = new HttpClient { BaseAddress = server.BaseAddress };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            (await admin.PostAsJsonAsync("api/v1/products", new { name = "rules-kill9", id = pid, template = "empty",
                write_limit = new { per_second = 100000, burst = 100000 } })).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync($"api/v1/products/{pid}/aliases", new { alias = "temp", format = "number", settable = false })).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync($"api/v1/products/{pid}/aliases", new { alias = "copy", format = "string", settable = true })).EnsureSuccessStatusCode();
            using (var rule = new StringContent("""
                {"name": "copy", "mode": "event", "alias": "temp", "op": ">=", "value": 0, "actions": [{"write": {"alias": "copy", "value": "c{{value}}"}}]}
                """, Encoding.UTF8, "application/json"))
            {
                (await admin.PostAsync($"api/v1/products/{pid}/rules", rule)).EnsureSuccessStatusCode();
            }

            (await admin.PostAsJsonAsync($"api/v1/products/{pid}/devices", new { serials = Enumerable.Range(0, Devices).Select(i => $"gw-{i}") })).EnsureSuccessStatusCode();
            var ciks = new string[Devices];
            for (var i = 0; i < Devices; i++)
            {
                using var activation = await admin.PostAsync("provision/activate",
                    new StringContent($"vendor={pid}&model={pid}&sn=gw-{i}", Encoding.UTF8, "application/x-www-form-urlencoded"));
                ciks[i] = await activation.Content.ReadAsStringAsync();
            }

            await Task.WhenAll(Enumerable.Range(0, Devices).Select(d => Task.Run(async () =>
            {
                using var device = new HttpClient { BaseAddress = server.BaseAddress };
                for (var first = 1; first <= WritesPerDevice; first += PointsPerRequest)
                {
                    var points = Enumerable.Range(first, PointsPerRequest).Select(v => $"{1_700_000_000 + v}={v}");
                    using var response = await device.SendAsync(DeviceHttp.Post(ciks[d], "/onep:v1/stack/record", "alias=temp&" + string.Join('&', points)));
                    response.EnsureSuccessStatusCode();
                }
            })));

            // No waiting for the rules: the consumer is somewhere behind the writes when the process dies.
            await server.KillAsync();
        }

        // ... which the killed node's own file confirms (read only: the restart must find it as the kill left it). Had the
        // rules applied every device write already, the restart would have nothing to catch up: it would prove nothing.
        SqliteConnection.ClearAllPools();
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(data.Path, "outpost.db")};Mode=ReadOnly"))
        {
            await db.OpenAsync();
            await using var behind = db.CreateCommand();
            behind.CommandText = "SELECT (SELECT MAX(offset_id) FROM events WHERE alias = 'temp'), (SELECT COALESCE(MAX(offset_id), 0) FROM rule_progress)";
            await using var reader = await behind.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            var (lastWrite, applied) = (reader.GetInt64(0), reader.GetInt64(1));
            Assert.True(applied < lastWrite, $"the rules had applied every write (up to {applied}) before the kill: nothing left to catch up");
        }

        SqliteConnection.ClearAllPools();

        await using var restarted = await TestCloud.StartAsync(data.Path);
        await CaughtUpAsync(restarted);
        await CaughtUpAsync(restarted); // the rules' own writes are events too
        for (var d = 0; d < Devices; d++)
        {
            var copies = (await restarted.HistoryAsync(pid, $"gw-{d}", "copy")).Select(h => h.Value).ToList();
            Assert.Equal(Enumerable.Range(1, WritesPerDevice).Select(v => $"c{v}").Order(), copies.Order());
        }
    }
}
