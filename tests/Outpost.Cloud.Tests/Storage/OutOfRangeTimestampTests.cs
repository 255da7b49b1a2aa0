using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Outpost.Cloud.Tests.DeviceApi;
using Outpost.Testing;
using static Outpost.Cloud.Tests.Rules.RuleHarness;

namespace Outpost.Cloud.Tests.Storage;

/// <summary>
/// A database written before far-future timestamps were refused may hold values past year 9999: reads, the device's
/// long poll, commands to that alias and the rules engine go on working around them.
/// </summary>
public sealed class OutOfRangeTimestampTests
{
    /// <summary>Past 9999-12-31T23:59:59.999Z: no <see cref="DateTimeOffset"/> holds it.</summary>
    private const long PastYear9999 = 253_402_300_800_000;

    /// <summary>The last millisecond of year 9999: the next second, where a command is spaced to, is past it.</summary>
    private const long LastMillisecond = 253_402_300_799_999;

    [Fact]
    public async Task ValuesStoredPastYear9999_ByAnOldDatabase_LeaveReadsLongPollsCommandsAndRulesWorking()
    {
        using var data = new TempDirectory("outpost-cloud");
        string pid, cik;
        await using (var before = await TestCloud.StartAsync(data.Path))
        {
            pid = await before.CreateProductAsync();
            await before.AddAliasAsync(pid, "temp", "number", settable: false);
            await CreateRuleAsync(before, pid, """
                {"name": "hot", "alias": "temp", "op": ">", "value": 30, "actions": [{"alert": {"message": "{{serial}} at {{value}}"}}]}
                """);
            cik = await before.ProvisionAsync(pid, "gw-1");
        }

        await StoreAsOldDatabaseAsync(data.Path, pid, "gw-1");

        await using var cloud = await TestCloud.StartAsync(data.Path);

        using (var values = await cloud.Admin.GetAsync($"api/v1/products/{pid}/devices/gw-1/values"))
        {
            Assert.Equal(HttpStatusCode.OK, values.StatusCode);
            var latest = await values.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(("31", PastYear9999, "9999-12-31T23:59:59.999+00:00"),
                (latest.GetProperty("temp").GetProperty("value").GetString(), latest.GetProperty("temp").GetProperty("ts").GetInt64(), latest.GetProperty("temp").GetProperty("time").GetString()));
        }

        Assert.Equal([(PastYear9999, "31")], await cloud.HistoryAsync(pid, "gw-1", "temp"));
        using (var csv = await cloud.Admin.GetAsync($"api/v1/products/{pid}/devices/gw-1/values/temp/history?format=csv"))
        {
            Assert.Equal($"ts,time,value\n{PastYear9999},9999-12-31T23:59:59.999+00:00,31\n", await csv.Content.ReadAsStringAsync());
        }

        using var client = new HttpClient { BaseAddress = cloud.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using (var poll = await client.SendAsync(DeviceHttp.Read(cik, "temp", timeoutMs: 30_000)))
        {
            Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
            Assert.Equal("Fri, 31 Dec 9999 23:59:59 GMT", poll.Content.Headers.GetValues("Last-Modified").Single());
        }

        // A command is spaced to the second after the alias' latest value: here that second is past year 9999.
        (await cloud.Admin.PostAsJsonAsync($"api/v1/products/{pid}/devices/gw-1/values", new { engine_fetch = """{"report": {}}""" })).EnsureSuccessStatusCode();
        var command = (await cloud.HistoryAsync(pid, "gw-1", "engine_fetch"))[0];
        Assert.Equal((LastMillisecond, """{"report": {}}"""), command);
        using (var read = await client.SendAsync(DeviceHttp.Read(cik, "engine_fetch")))
        {
            Assert.Equal("engine_fetch=%7B%22report%22%3A%20%7B%7D%7D", await read.Content.ReadAsStringAsync());
        }

        // The rules engine takes the old event (its alert at the last instant it can name) and goes on with the next.
        await DeviceWriteAsync(cloud, cik, "temp=35");
        await CaughtUpAsync(cloud);
        var alert = Assert.Single(await AlertsAsync(cloud, pid, "open"));
        Assert.Equal("gw-1 at 31", alert.GetProperty("message").GetString());
    }

    /// <summary>Writes what an old database holds, with SQL into the store file: temp and its event past 9999, engine_fetch in its last millisecond.</summary>
    private static async Task StoreAsOldDatabaseAsync(string dataDirectory, string pid, string serial)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "outpost.db")};Pooling=False");
        await connection.OpenAsync();
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO samples (device_id, alias, ts_ms, value)
                SELECT id, 'temp', $past, '31' FROM devices WHERE product_id = $pid AND serial = $sn;
            INSERT INTO samples (device_id, alias, ts_ms, value)
                SELECT id, 'engine_fetch', $last, '{}' FROM devices WHERE product_id = $pid AND serial = $sn;
            INSERT INTO events (product_id, device_id, alias, value, ts_ms, kind, source, created_ms)
                SELECT $pid, id, 'temp', '31', $past, 'write', 'device', $now FROM devices WHERE product_id = $pid AND serial = $sn;
            """;
        insert.Parameters.AddWithValue("$pid", pid);
        insert.Parameters.AddWithValue("$sn", serial);
        insert.Parameters.AddWithValue("$past", PastYear9999);
        insert.Parameters.AddWithValue("$last", LastMillisecond);
        insert.Parameters.AddWithValue("$now", TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Equal(3, await insert.ExecuteNonQueryAsync());
    }
}
