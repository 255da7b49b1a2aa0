using Outpost.Gateway.Queue;
using static Outpost.Gateway.Tests.Queue.QueueSamples;

namespace Outpost.Gateway.Tests.Queue;

public sealed class MessageQueueTests : IDisposable
{
    private readonly QueueDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Enqueue_PeekAck_RoundTripsValuesAndRemovesThem()
    {
        await using var queue = await _dir.OpenAsync();
        var result = await queue.EnqueueAsync([Of("dev1", "temp", 1000, "21.5"), Of("dev1", "hum", 1001, "40")]);

        Assert.Equal(EnqueueStatus.Accepted, result.Status);
        Assert.Equal(2, result.MessageIds.Count);
        Assert.Equal(2, result.MessageIds.Distinct().Count());
        Assert.All(result.MessageIds, id => Assert.StartsWith(queue.InstanceId + "-", id, StringComparison.Ordinal));

        var batch = await queue.PeekBatchAsync(10, 1 << 20);
        Assert.Equal(["21.5", "40"], batch.Select(m => m.Value));
        Assert.Equal(result.MessageIds, batch.Select(m => m.MessageId));
        Assert.Equal(1000, batch[0].CapturedAtMs);
        Assert.Equal("temp", batch[0].Alias);
        Assert.Equal("dev1", batch[0].DeviceKey);

        // Nothing leaves before the ack: peeking again gives the same values.
        Assert.Equal(batch.Select(m => m.MessageId), (await queue.PeekBatchAsync(10, 1 << 20)).Select(m => m.MessageId));
        Assert.Equal(2, queue.Statistics.Depth);

        Assert.Equal(2, await queue.AckAsync(result.MessageIds));
        Assert.Empty(await queue.PeekBatchAsync(10, 1 << 20));
        var stats = queue.Statistics;
        Assert.Equal(0, stats.Depth);
        Assert.Equal(0, stats.Bytes);
        Assert.Equal(2, stats.Forwarded);
        Assert.Equal(2, stats.Enqueued);

        // A repeated ack (the forwarder retrying) is harmless.
        Assert.Equal(0, await queue.AckAsync(result.MessageIds));
        Assert.Equal(2, queue.Statistics.Forwarded);
    }

    [Fact]
    public async Task Totals_SurviveReopening_AndIdsNeverRepeat()
    {
        var ids = new List<string>();
        await using (var queue = await _dir.OpenAsync())
        {
            for (var i = 0; i < 3; i++)
            {
                ids.AddRange((await queue.EnqueueAsync([Of("dev1", "temp", 1000 + i, "1"), Of("dev2", "temp", 1000 + i, "2")])).MessageIds);
            }

            Assert.Equal(6, queue.Statistics.Enqueued);
        }

        // Closing in order saves the totals (an older gwe reading the file trusts the row as it is).
        Assert.Equal((7L, 6L), _dir.ReadMetaRow());

        await using (var reopened = await _dir.OpenAsync())
        {
            Assert.Equal(6, reopened.Statistics.Enqueued);
            Assert.Equal(6, reopened.Statistics.Depth);
            ids.AddRange((await reopened.EnqueueAsync([Of("dev1", "temp", 2000, "3")])).MessageIds);
            Assert.Equal(7, ids.Distinct().Count());
            Assert.EndsWith("-7", ids[^1], StringComparison.Ordinal);

            // An ack saves the totals, and so does the orderly close after the next insert.
            await reopened.AckAsync(ids.Take(2).ToList());
            ids.AddRange((await reopened.EnqueueAsync([Of("dev1", "temp", 3000, "4")])).MessageIds);
        }

        await using var third = await _dir.OpenAsync();
        Assert.Equal(8, third.Statistics.Enqueued);
        Assert.Equal(2, third.Statistics.Forwarded);
        Assert.Equal(6, third.Statistics.Depth);
        Assert.EndsWith("-9", (await third.EnqueueAsync([Of("dev1", "temp", 4000, "5")])).MessageIds[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Peek_ValuesOfOneDeviceAndAlias_ComeInCaptureOrder()
    {
        await using var queue = await _dir.OpenAsync();

        // Written out of capture order, across several calls.
        await queue.EnqueueAsync([Of("dev", "a", 30, "3"), Of("dev", "a", 10, "1")]);
        await queue.EnqueueAsync([Of("dev", "a", 20, "2"), Of("dev", "b", 5, "b0")]);
        await queue.EnqueueAsync([Of("dev", "a", 20, "2bis")]);

        var all = await DrainAsync(queue, batch: 2);

        Assert.Equal(["1", "2", "2bis", "3"], all.Where(m => m.Alias == "a").Select(m => m.Value));
        Assert.Equal(["b0"], all.Where(m => m.Alias == "b").Select(m => m.Value));
    }

    [Fact]
    public async Task Peek_ChattyDevice_DoesNotStarveOthers()
    {
        await using var queue = await _dir.OpenAsync();
        await queue.EnqueueAsync(Enumerable.Range(0, 1000).Select(i => Of("chatty", "a", i, $"c{i}")).ToList());
        await queue.EnqueueAsync([Of("quiet1", "a", 5000, "q1"), Of("quiet2", "a", 6000, "q2")]);

        var batch = await queue.PeekBatchAsync(9, long.MaxValue);

        Assert.Equal(9, batch.Count);
        Assert.Contains(batch, m => m.Value == "q1");
        Assert.Contains(batch, m => m.Value == "q2");
        Assert.Equal(["c0", "c1", "c2", "c3", "c4", "c5", "c6"], batch.Where(m => m.DeviceKey == "chatty").Select(m => m.Value));
    }

    [Fact]
    public async Task Peek_ManyDevicesSmallBatches_RotatesTheLeadDevice()
    {
        await using var queue = await _dir.OpenAsync();
        foreach (var device in new[] { "d1", "d2", "d3" })
        {
            await queue.EnqueueAsync(Enumerable.Range(0, 10).Select(i => Of(device, "a", i, $"{device}-{i}")).ToList());
        }

        // Batches of one value, never acked: each batch must still go to a different device.
        var leads = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            leads.Add((await queue.PeekBatchAsync(1, long.MaxValue)).Single().DeviceKey);
        }

        Assert.Equal(["d1", "d2", "d3"], leads.Order());
    }

    [Fact]
    public async Task Peek_ByteBudget_IsRespectedButNeverStalls()
    {
        await using var queue = await _dir.OpenAsync();
        var big = new string('x', 10_000);
        await queue.EnqueueAsync([Of("dev", "a", 1, big), Of("dev", "a", 2, big), Of("dev", "a", 3, "small")]);

        var tiny = await queue.PeekBatchAsync(100, 100);
        Assert.Single(tiny);
        Assert.Equal(1, tiny[0].CapturedAtMs);

        var two = await queue.PeekBatchAsync(100, 2 * tiny[0].Bytes);
        Assert.Equal([1L, 2L], two.Select(m => m.CapturedAtMs));
    }

    [Fact]
    public async Task Reopen_AfterDispose_KeepsUnackedValuesCountersAndIds()
    {
        string instance;
        IReadOnlyList<string> ids;
        await using (var queue = await _dir.OpenAsync())
        {
            instance = queue.InstanceId;
            ids = (await queue.EnqueueAsync([Of("d", "a", 1, "one"), Of("d", "a", 2, "two"), Of("d", "a", 3, "three")])).MessageIds;
            await queue.AckAsync([ids[0]]);
        }

        await using (var queue = await _dir.OpenAsync())
        {
            Assert.Equal(instance, queue.InstanceId);
            var stats = queue.Statistics;
            Assert.Equal(2, stats.Depth);
            Assert.Equal(1, stats.Forwarded);
            Assert.Equal(3, stats.Enqueued);
            Assert.True(stats.Bytes > 0);

            var batch = await queue.PeekBatchAsync(10, long.MaxValue);
            Assert.Equal(ids.Skip(1), batch.Select(m => m.MessageId));

            // Ids keep counting up after a restart, even when every earlier value was acknowledged.
            await queue.AckAsync(ids);
            var next = (await queue.EnqueueAsync([Of("d", "a", 4, "four")])).MessageIds.Single();
            Assert.DoesNotContain(next, ids);
        }
    }

    [Fact]
    public async Task Enqueue_ConcurrentCallers_ShareCommitsAndGetDistinctIds()
    {
        await using var queue = await _dir.OpenAsync();

        // All 200 submitted within microseconds while the first commit waits for its fsync: the rest must ride on a
        // few commits, not one each.
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => queue.EnqueueAsync([Of($"dev{i % 5}", "a", i, $"v{i}")])).ToList());

        Assert.All(results, r => Assert.Equal(EnqueueStatus.Accepted, r.Status));
        Assert.Equal(200, results.SelectMany(r => r.MessageIds).Distinct().Count());
        var (commits, values) = queue.GroupCommits;
        Assert.Equal(200, values);
        Assert.True(commits is >= 1 and <= 20, $"{commits} commits for 200 writes submitted together");
        Assert.Equal(200, (await DrainAsync(queue)).Count);
    }

    [Theory]
    [InlineData("a&b=c")]
    [InlineData("100%25 %")]
    [InlineData("line1\nline2\r\nline3")]
    [InlineData("température 21,5 °C — 温度 🌡")]
    [InlineData("nul\0inside")]
    [InlineData("")]
    public async Task Enqueue_AwkwardValues_AreStoredByteExact(string value)
    {
        await using (var queue = await _dir.OpenAsync())
        {
            Assert.True((await queue.EnqueueAsync([Of("vendor model sn&=%", "ali&s=", 1, value)])).IsAccepted);
        }

        await using (var queue = await _dir.OpenAsync())
        {
            var message = (await queue.PeekBatchAsync(1, long.MaxValue)).Single();
            Assert.Equal(value, message.Value);
            Assert.Equal("ali&s=", message.Alias);
            Assert.Equal("vendor model sn&=%", message.DeviceKey);
        }
    }

    [Fact]
    public async Task Enqueue_ValueOf64KiB_IsAcceptedAndOneByteMoreIsRefusedWhole()
    {
        await using var queue = await _dir.OpenAsync();
        var limit = new string('é', MessageQueue.MaxValueBytes / 2); // two bytes of UTF-8 each

        Assert.True((await queue.EnqueueAsync([Of("d", "a", 1, limit)])).IsAccepted);

        var refused = await queue.EnqueueAsync([Of("d", "a", 2, "fine"), Of("d", "a", 3, limit + "x")]);
        Assert.Equal(EnqueueStatus.Invalid, refused.Status);
        Assert.Contains("value 2", refused.Error, StringComparison.Ordinal);
        Assert.Equal(1, queue.Statistics.Depth);
        Assert.Equal(limit, (await queue.PeekBatchAsync(10, long.MaxValue)).Single().Value);
    }

    [Fact]
    public async Task Enqueue_LoneSurrogateOrMissingAlias_IsInvalid()
    {
        await using var queue = await _dir.OpenAsync();

        Assert.Equal(EnqueueStatus.Invalid, (await queue.EnqueueAsync([Of("d", "a", 1, "bad\uD800")])).Status);
        Assert.Equal(EnqueueStatus.Invalid, (await queue.EnqueueAsync([Of("d", "", 1, "v")])).Status);
        Assert.Equal(EnqueueStatus.Invalid, (await queue.EnqueueAsync([Of("d", "a", 1, "v", TimeSpan.Zero)])).Status);
        Assert.Equal(0, queue.Statistics.Depth);
    }

    [Fact]
    public async Task Open_SecondQueueOnTheSameFile_Fails()
    {
        await using var queue = await _dir.OpenAsync();
        await queue.EnqueueAsync([Of("d", "a", 1, "v")]);

        var error = await Assert.ThrowsAsync<IOException>(() => _dir.OpenAsync());
        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
        Assert.True((await queue.EnqueueAsync([Of("d", "a", 2, "w")])).IsAccepted);
    }

    [Fact]
    public async Task Enqueue_AfterDispose_Throws()
    {
        var queue = await _dir.OpenAsync();
        await queue.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => queue.EnqueueAsync([Of("d", "a", 1, "v")]));
    }

    [Fact]
    public async Task Open_InvalidOptions_FailsWithOneLine()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            _dir.OpenAsync(change: o => o with { MaxBytes = 1, MinFreeDiskPercent = 101, Path = "/nonexistent/dir/gmq.db" }));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("MaxBytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("MinFreeDiskPercent", error.Message, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/dir", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeekBatch_HeldDevicesLeftOut_TheOthersGetTheWholeBatch()
    {
        await using var queue = await _dir.OpenAsync();
        await queue.EnqueueAsync([Of("held", "a", 1, "h1"), Of("free", "a", 2, "f1"), Of("held", "a", 3, "h2"), Of("free", "a", 4, "f2"), Of("free", "a", 5, "f3")]);

        Assert.Equal(["f1", "f2", "f3"], (await queue.PeekBatchAsync(3, long.MaxValue, new HashSet<string> { "held" })).Select(m => m.Value));
        Assert.Empty(await queue.PeekBatchAsync(10, long.MaxValue, new HashSet<string> { "held", "free" }));

        // Held back is not removed: once released, its values come in capture order.
        Assert.Equal(["h1", "h2"], (await queue.PeekBatchAsync(10, long.MaxValue)).Where(m => m.DeviceKey == "held").Select(m => m.Value));
        Assert.Equal(5, queue.Statistics.Depth);
    }
}
