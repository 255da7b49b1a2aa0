using System.Net;
using System.Text;
using System.Text.Json;
using Outpost.Gateway.Engine;
using Outpost.Protocol.Reports;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary><c>gwe gmq purge</c>: dead letters a voided CIK left behind are removed for good, counted, and only on purpose.</summary>
public sealed class GmqPurgeTests
{
    [Fact]
    public async Task Purge_ThroughTheCli_ByIdThenByDevice_CountedAsDroppedPurgedEverywhere()
    {
        await using var fx = await GmqFixture.StartAsync();
        var url = fx.Address.ToString();
        using (var bad = await fx.Http.SendAsync(AppRequests.Write("X-Exosite-CIK", new string('a', 40), ("v", "1"), ("v", "22"), ("v", "333"))))
        using (var good = await fx.Http.SendAsync(AppRequests.Write("X-Exosite-CIK", fx.Cik, ("v", "fine"))))
        {
            Assert.Equal(HttpStatusCode.NoContent, bad.StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, good.StatusCode);
        }

        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));
        var device = Assert.Single(await fx.Queue.ListDeadLettersAsync()).DeviceKey;

        // The device's values one by one, with the ids purge --id takes.
        var (values, valuesCode) = await GmqCli.RunAsync("gmq", "dead-letters", device, "--gmq-url", url);
        Assert.Equal(0, valuesCode);
        var lines = values.TrimEnd('\n').Split('\n');
        Assert.Equal("ID\tALIAS\tCAPTURED\tBYTES\tREASON", lines[0]);
        Assert.Equal(4, lines.Length);
        var firstId = lines[1].Split('\t')[0];
        Assert.All(lines.Skip(1), l => Assert.EndsWith("\tcik rejected (401)", l, StringComparison.Ordinal));

        // A full page says it may not be all (on stderr, after the table).
        var (page, pageCode) = await GmqCli.RunAsync("gmq", "dead-letters", device, "--limit", "2", "--gmq-url", url);
        Assert.Equal(0, pageCode);
        Assert.Equal(
            $"gwe: showing the first 2 dead letters of {device}; gwe gmq dead-letters (no DEVICE) gives the total, --limit shows more",
            page.TrimEnd('\n').Split('\n')[^1]);
        Assert.Equal(4, page.TrimEnd('\n').Split('\n').Length);

        var (one, oneCode) = await GmqCli.RunAsync("gmq", "purge", "--id", firstId, "--gmq-url", url);
        Assert.Equal(0, oneCode);
        var valueBytes = device.Length + 1 + 1 + 48;
        Assert.Equal($"purged 1 value(s), {valueBytes} bytes\n", one);

        var (rest, restCode) = await GmqCli.RunAsync("gmq", "purge", device, "--json", "--gmq-url", url);
        Assert.Equal(0, restCode);
        using (var doc = JsonDocument.Parse(rest))
        {
            Assert.Equal(2, doc.RootElement.GetProperty("purged").GetInt64());
            Assert.Equal((2 * valueBytes) + 1 + 2, doc.RootElement.GetProperty("bytes").GetInt64());
        }

        Assert.Empty(await fx.Queue.ListDeadLettersAsync());
        var queue = (await AppRequests.StatusAsync(fx.Http)).GetProperty("queue");
        Assert.Equal(3, queue.GetProperty("dropped_by").GetProperty("purged").GetInt64());
        Assert.Equal(3, queue.GetProperty("dropped").GetInt64());
        Assert.Equal(0, queue.GetProperty("dead_letters").GetInt64());
        Assert.Equal(3, queue.GetProperty("dead_lettered_total").GetInt64());
        Assert.Equal(
            queue.GetProperty("enqueued").GetInt64(),
            queue.GetProperty("depth").GetInt64() + queue.GetProperty("forwarded").GetInt64() + queue.GetProperty("dropped").GetInt64() + queue.GetProperty("dead_letters").GetInt64());
        var report = EngineReportBuilder.Build(TimeSpan.Zero, [], [], fx.Queue.Statistics, fx.Link.Snapshot()).Gmq!;
        Assert.Equal(3, report.DroppedBy!["purged"]);
        Assert.Equal(3, report.Dropped);
    }

    [Fact]
    public async Task Purge_BadSelection_OneLineExitCode1_OrAClear4xx_AndNothingChanges()
    {
        await using var fx = await GmqFixture.StartAsync();
        var url = fx.Address.ToString();
        using (var bad = await fx.Http.SendAsync(AppRequests.Write("X-Exosite-CIK", new string('b', 40), ("v", "1"), ("v", "2"))))
        {
            Assert.Equal(HttpStatusCode.NoContent, bad.StatusCode);
        }

        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));
        var dead = Assert.Single(await fx.Queue.ListDeadLettersAsync());
        Assert.Equal(2, dead.Count);

        // The CLI: nothing named, or everything and something named, is refused before asking GMQ.
        Assert.Equal(
            (1, "gwe: purge: say which dead letters: a DEVICE, --id ID, or --all for every one (gwe gmq dead-letters lists them)\n"),
            Swap(await GmqCli.RunAsync("gmq", "purge", "--gmq-url", url)));
        Assert.Equal(
            (1, "gwe: purge: --all purges every dead letter; do not also name a DEVICE or --id\n"),
            Swap(await GmqCli.RunAsync("gmq", "purge", dead.DeviceKey, "--all", "--gmq-url", url)));
        Assert.Equal(
            (1, "gwe: GMQ answered 404: purge: no dead letters of 'cik:0123456789abcdef' (gwe gmq dead-letters lists the device keys)\n"),
            Swap(await GmqCli.RunAsync("gmq", "purge", "cik:0123456789abcdef", "--gmq-url", url)));
        var (badId, badIdCode) = await GmqCli.RunAsync("gmq", "purge", "--id", "nonsense", "--gmq-url", url);
        Assert.Equal(1, badIdCode);
        Assert.Equal($"gwe: GMQ answered 400: purge: 'nonsense' is not a message id of this queue ({fx.Queue.InstanceId}-<n>)\n", badId);
        var (unknownValues, unknownValuesCode) = await GmqCli.RunAsync("gmq", "dead-letters", "cik:0123456789abcdef", "--gmq-url", url);
        Assert.Equal(1, unknownValuesCode);
        Assert.Single(unknownValues.TrimEnd('\n').Split('\n'));

        // The local API itself, for scripts that call it.
        Assert.Equal((400, "purge: say which dead letters: device=KEY, id=ID, or all=true for every one"), await PurgeAsync(fx.Gmq, ""));
        Assert.Equal((400, "purge: unknown field 'devise' (device=KEY, id=ID, all=true)"), await PurgeAsync(fx.Gmq, "devise=x"));
        Assert.Equal((400, "purge: all must be 'true', not 'yes'"), await PurgeAsync(fx.Gmq, "all=yes"));
        Assert.Equal(400, (await PurgeAsync(fx.Gmq, $"device={Uri.EscapeDataString(dead.DeviceKey)}&all=true")).Status);
        var missingId = $"{fx.Queue.InstanceId}-999999";
        Assert.Equal((404, $"purge: {missingId} is not a dead letter (gwe gmq dead-letters lists them)"), await PurgeAsync(fx.Gmq, "id=" + missingId));

        Assert.Equal(2, Assert.Single(await fx.Queue.ListDeadLettersAsync()).Count);
        Assert.Equal(0, fx.Queue.Statistics.Dropped);

        // retry takes the same ids: a bad one changes nothing, a good one requeues just that value (refused again).
        Assert.Equal(
            (1, $"gwe: GMQ answered 404: retry: {missingId} is not a dead letter (gwe gmq dead-letters lists them)\n"),
            Swap(await GmqCli.RunAsync("gmq", "retry", "--id", missingId, "--gmq-url", url)));
        var firstId = (await fx.Queue.ListDeadLetterValuesAsync(dead.DeviceKey, 1))[0].MessageId;
        Assert.Equal((0, "requeued 1 value(s)\n"), Swap(await GmqCli.RunAsync("gmq", "retry", "--id", firstId, "--gmq-url", url)));
        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));
        Assert.Equal(2, Assert.Single(await fx.Queue.ListDeadLettersAsync()).Count);
        Assert.Equal(3, fx.Queue.Statistics.DeadLetteredTotal);

        // --all is the explicit way to empty the table.
        var (all, allCode) = await GmqCli.RunAsync("gmq", "purge", "--all", "--gmq-url", url);
        Assert.Equal(0, allCode);
        Assert.StartsWith("purged 2 value(s), ", all, StringComparison.Ordinal);
        Assert.Equal(2, fx.Queue.Statistics.DroppedPurged);
    }

    private static (int Code, string Output) Swap((string Output, int Code) result) => (result.Code, result.Output);

    private static async Task<(int Status, string Body)> PurgeAsync(GmqInstance gmq, string form)
    {
        using var content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await gmq.Http.PostAsync("dead-letters/purge", content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
