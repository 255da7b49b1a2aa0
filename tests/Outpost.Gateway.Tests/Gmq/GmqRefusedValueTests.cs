using System.Net;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary>A value the cloud refuses (undefined alias, wrong format) goes to dead letters alone; its neighbours arrive.</summary>
public sealed class GmqRefusedValueTests
{
    [Fact]
    public async Task RefusedValuesInABacklog_OnlyTheyAreDeadLettered_TheOthersArriveInOrder()
    {
        await using var fx = await GmqFixture.StartAsync(cloudDown: true, product: (admin, product) => admin.AddNumberAliasAsync(product, "n"));

        // Offline, so all of it is forwarded as one batch: an undefined alias, and a non-number among 20 numbers.
        var writes = new List<(string Alias, string Value)>
        {
            ("v", "a"), ("undefined", "x"), ("v", "b"),
        };
        writes.AddRange(Enumerable.Range(1, 20).Select(i => ("n", i == 13 ? "thirteen" : i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        writes.Add(("v", "c"));
        foreach (var write in writes)
        {
            using var response = await fx.Http.SendAsync(AppRequests.Write("X-Exosite-CIK", fx.Cik, write));
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        fx.Proxy.Down = false;
        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));

        Assert.Equal(["a", "b", "c"], (await fx.Admin.HistoryAsync(fx.Product, "dev", "v")).Select(h => h.Value));
        Assert.Equal(
            Enumerable.Range(1, 20).Where(i => i != 13).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (await fx.Admin.HistoryAsync(fx.Product, "dev", "n")).Select(h => h.Value));
        var dead = await fx.Queue.ListDeadLettersAsync();
        Assert.Equal(2, dead.Sum(d => d.Count));
        Assert.Contains(dead, d => d.Count == 1 && d.Reason.Contains("'undefined'", StringComparison.Ordinal));
        Assert.Contains(dead, d => d.Count == 1 && d.Reason.Contains("not a number", StringComparison.Ordinal));

        // A retry brings back only those two, which the cloud refuses again: nothing else is held back with them.
        Assert.Equal(2, await fx.Queue.RetryDeadLettersAsync());
        using (var nudge = await fx.Http.SendAsync(AppRequests.Write("X-Exosite-CIK", fx.Cik, ("v", "d"))))
        {
            Assert.Equal(HttpStatusCode.NoContent, nudge.StatusCode);
        }

        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));
        Assert.Equal(2, (await fx.Queue.ListDeadLettersAsync()).Sum(d => d.Count));
        Assert.Equal(["a", "b", "c", "d"], (await fx.Admin.HistoryAsync(fx.Product, "dev", "v")).Select(h => h.Value));
    }

    [Fact]
    public async Task AnAliasTheProductLacks_ItsWholeBacklogIsSetAsideInOneRequest_NotBisected()
    {
        await using var fx = await GmqFixture.StartAsync(cloudDown: true);

        // An app writing an alias nobody defined (the usual development mistake), between good values, while offline.
        for (var i = 0; i < 200; i++)
        {
            using var response = await fx.Http.SendAsync(AppRequests.Write("X-Exosite-CIK", fx.Cik, i % 20 == 0 ? ("v", $"good {i}") : ("typo", $"{i}")));
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        // Requests counted from here: the attempts the outage cut (each retry counts) are not the subject.
        var before = await RequestsAsync(fx.Http);
        fx.Proxy.Down = false;
        await AppRequests.WaitDrainedAsync(fx.Http, TimeSpan.FromSeconds(30));

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"good {i * 20}"), (await fx.Admin.HistoryAsync(fx.Product, "dev", "v")).Select(h => h.Value));
        var dead = Assert.Single(await fx.Queue.ListDeadLettersAsync());
        Assert.Equal(190, dead.Count);
        Assert.Contains("'typo'", dead.Reason, StringComparison.Ordinal);

        // The refused batch, then the rest (and at most an attempt the outage was still cutting): not the ~380 requests
        // of halving down to each of 190 values.
        Assert.InRange(await RequestsAsync(fx.Http) - before, 2, 5);
    }

    private static async Task<long> RequestsAsync(HttpClient gmq) =>
        (await AppRequests.StatusAsync(gmq)).GetProperty("bandwidth").EnumerateObject().Sum(d => d.Value.GetProperty("requests").GetInt64());
}
