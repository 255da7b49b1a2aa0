using Outpost.Gateway.Queue;
using static Outpost.Gateway.Tests.Queue.QueueSamples;

namespace Outpost.Gateway.Tests.Queue;

public sealed class DeadLetterTests : IDisposable
{
    private readonly QueueDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task DeadLetter_RejectedDevice_LeavesTheQueueAndIsListed()
    {
        await using var queue = await _dir.OpenAsync();
        await queue.EnqueueAsync([Of("bad", "a", 1, "x"), Of("good", "a", 2, "y"), Of("bad", "b", 3, "z")]);

        Assert.Equal(2, await queue.DeadLetterAsync("bad", "cik rejected (401)"));

        Assert.Equal(["good"], (await queue.PeekBatchAsync(10, long.MaxValue)).Select(m => m.DeviceKey));
        var list = await queue.ListDeadLettersAsync();
        var entry = Assert.Single(list);
        Assert.Equal("bad", entry.DeviceKey);
        Assert.Equal("cik rejected (401)", entry.Reason);
        Assert.Equal(2, entry.Count);
        Assert.Equal(1, entry.OldestCapturedAtMs);
        var stats = queue.Statistics;
        Assert.Equal(1, stats.Depth);
        Assert.Equal(2, stats.DeadLetters);
        Assert.Equal(2, stats.DeadLetteredTotal);
        Assert.Equal(0, stats.Dropped);
    }

    [Fact]
    public async Task DeadLetter_ByMessageId_SetsAsideOnlyThoseValuesOfTheDevice()
    {
        await using var queue = await _dir.OpenAsync();
        await queue.EnqueueAsync([Of("dev", "a", 1, "x"), Of("dev", "bogus", 2, "y"), Of("dev", "a", 3, "z"), Of("other", "bogus", 4, "w")]);
        var peeked = await queue.PeekBatchAsync(10, long.MaxValue);
        var refused = peeked.Where(m => m.Alias == "bogus").Select(m => m.MessageId).ToList();

        // The other device's id is named too, but only "dev"'s values are touched.
        Assert.Equal(1, await queue.DeadLetterAsync("dev", "alias 'bogus' is not defined", refused));

        Assert.Equal(["w", "x", "z"], (await queue.PeekBatchAsync(10, long.MaxValue)).Select(m => m.Value).Order(StringComparer.Ordinal));
        var entry = Assert.Single(await queue.ListDeadLettersAsync());
        Assert.Equal(("dev", 1L), (entry.DeviceKey, entry.Count));
        Assert.Equal(3, queue.Statistics.Depth);
        Assert.Equal(1, queue.Statistics.DeadLetters);
    }

    [Fact]
    public async Task RetryDeadLetters_RequeuesWithOriginalIdsInOrder_AndSurvivesRestart()
    {
        IReadOnlyList<string> ids;
        await using (var queue = await _dir.OpenAsync())
        {
            ids = (await queue.EnqueueAsync([Of("bad", "a", 1, "x"), Of("bad", "a", 2, "y"), Of("other", "a", 3, "o")])).MessageIds;
            await queue.DeadLetterAsync("bad", "cik rejected");
            await queue.DeadLetterAsync("other", "cik rejected");
        }

        await using (var queue = await _dir.OpenAsync())
        {
            Assert.Equal(3, queue.Statistics.DeadLetters);
            Assert.Equal(2, (await queue.ListDeadLettersAsync()).Count);

            Assert.Equal(2, await queue.RetryDeadLettersAsync("bad"));

            var batch = await queue.PeekBatchAsync(10, long.MaxValue);
            Assert.Equal(ids.Take(2), batch.Select(m => m.MessageId));
            Assert.Equal(["x", "y"], batch.Select(m => m.Value));
            Assert.Equal(1, queue.Statistics.DeadLetters);

            Assert.Equal(1, await queue.RetryDeadLettersAsync());
            Assert.Empty(await queue.ListDeadLettersAsync());
            Assert.Equal(3, queue.Statistics.Depth);
            Assert.Equal(3, queue.Statistics.DeadLetteredTotal);
        }
    }

    [Fact]
    public async Task DeadLetters_AreNotDroppedByOverflow()
    {
        await using var queue = await _dir.OpenAsync(change: o => o with { MaxBytes = 2048 });
        await queue.EnqueueAsync([Of("bad", "a", 1, new string('x', 1000))]);
        await queue.DeadLetterAsync("bad", "cik rejected");

        for (var i = 0; i < 10; i++)
        {
            await queue.EnqueueAsync([Of("good", "a", i, new string('y', 500))]);
        }

        Assert.Equal(1, queue.Statistics.DeadLetters);
        Assert.True(queue.Statistics.DroppedOverflow > 0);
        Assert.Equal(1, Assert.Single(await queue.ListDeadLettersAsync()).Count);
    }

    [Fact]
    public async Task PurgeDeadLetters_ByDevice_CountedAsDroppedPurged_TotalsAddUp_AndSurviveRestart()
    {
        await using (var queue = await _dir.OpenAsync())
        {
            await queue.EnqueueAsync([Of("void", "a", 1, "x"), Of("void", "a", 2, "yy"), Of("kept", "a", 3, "z"), Of("live", "a", 4, "w")]);
            await queue.DeadLetterAsync("void", "cik rejected (401)");
            await queue.DeadLetterAsync("kept", "cik rejected (401)");

            var purge = await queue.PurgeDeadLettersAsync(new DeadLetterSelection("void"));

            Assert.Null(purge.NotFound);
            Assert.Equal(2, purge.Count);
            Assert.Equal(Size("void", "a", "x") + Size("void", "a", "yy"), purge.Bytes);
            Assert.Equal("kept", Assert.Single(await queue.ListDeadLettersAsync()).DeviceKey);
            AssertTotalsAddUp(queue.Statistics);
            Assert.Equal(2, queue.Statistics.DroppedPurged);
            Assert.Equal(2, queue.Statistics.DroppedBy["purged"]);
            Assert.Equal(2, queue.Statistics.Dropped);
        }

        await using (var queue = await _dir.OpenAsync())
        {
            var stats = queue.Statistics;
            Assert.Equal((2L, 1L, 1L), (stats.DroppedPurged, stats.DeadLetters, stats.Depth));
            AssertTotalsAddUp(stats);

            // Nothing left to purge of that device: said so, and nothing else is touched.
            var again = await queue.PurgeDeadLettersAsync(new DeadLetterSelection("void"));
            Assert.Equal("no dead letters of 'void' (gwe gmq dead-letters lists the device keys)", again.NotFound);
            Assert.Equal(1, queue.Statistics.DeadLetters);
            Assert.Equal(2, queue.Statistics.DroppedPurged);
        }
    }

    [Fact]
    public async Task PurgeDeadLetters_ByIds_OnlyThose_AndAnIdThatIsNotADeadLetterPurgesNothing()
    {
        await using var queue = await _dir.OpenAsync();
        var ids = (await queue.EnqueueAsync([Of("dev", "a", 1, "x"), Of("dev", "a", 2, "y"), Of("dev", "a", 3, "z"), Of("other", "a", 4, "o")])).MessageIds;
        await queue.DeadLetterAsync("dev", "refused", [ids[0], ids[1]]);
        await queue.DeadLetterAsync("other", "cik rejected (401)");
        var listed = await queue.ListDeadLetterValuesAsync("dev", 10);
        Assert.Equal([ids[0], ids[1]], listed.Select(v => v.MessageId));
        Assert.Equal(["refused", "refused"], listed.Select(v => v.Reason));

        // ids[2] is still queued (not a dead letter); ids[3] is another device's: either makes the whole purge a no-op.
        var queued = await queue.PurgeDeadLettersAsync(new DeadLetterSelection(null, [Sequence(ids[0]), Sequence(ids[2])]));
        Assert.Equal($"{ids[2]} is not a dead letter (gwe gmq dead-letters lists them)", queued.NotFound);
        var otherDevice = await queue.PurgeDeadLettersAsync(new DeadLetterSelection("dev", [Sequence(ids[3])]));
        Assert.Equal($"{ids[3]} is not a dead letter of 'dev' (gwe gmq dead-letters lists them)", otherDevice.NotFound);
        Assert.Equal(3, queue.Statistics.DeadLetters);
        Assert.Equal(0, queue.Statistics.Dropped);

        var purged = await queue.PurgeDeadLettersAsync(new DeadLetterSelection("dev", [Sequence(ids[1])]));
        Assert.Equal(1, purged.Count);
        Assert.Equal([ids[0]], (await queue.ListDeadLetterValuesAsync("dev", 10)).Select(v => v.MessageId));
        Assert.Equal(["z"], (await queue.PeekBatchAsync(10, long.MaxValue)).Where(m => m.DeviceKey == "dev").Select(m => m.Value));
        AssertTotalsAddUp(queue.Statistics);

        // Everything, then a retry finds nothing to bring back.
        Assert.Equal(2, (await queue.PurgeDeadLettersAsync(DeadLetterSelection.All)).Count);
        Assert.Empty(await queue.ListDeadLettersAsync());
        Assert.Equal(0, await queue.RetryDeadLettersAsync());
        Assert.Equal(3, queue.Statistics.DroppedPurged);
        AssertTotalsAddUp(queue.Statistics);

        long Sequence(string id) => long.Parse(id[(id.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task RetryDeadLetters_ByIds_RequeuesOnlyThose_AndAnUnknownIdRequeuesNothing()
    {
        await using var queue = await _dir.OpenAsync();
        var ids = (await queue.EnqueueAsync([Of("dev", "a", 1, "x"), Of("dev", "a", 2, "y")])).MessageIds;
        await queue.DeadLetterAsync("dev", "refused");
        var first = long.Parse(ids[0][(ids[0].LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

        var unknown = await queue.RetryDeadLettersAsync(new DeadLetterSelection(null, [first, 999]));
        Assert.NotNull(unknown.NotFound);
        Assert.Equal(2, queue.Statistics.DeadLetters);

        Assert.Equal(1, (await queue.RetryDeadLettersAsync(new DeadLetterSelection("dev", [first]))).Count);
        Assert.Equal([ids[0]], (await queue.PeekBatchAsync(10, long.MaxValue)).Select(m => m.MessageId));
        AssertTotalsAddUp(queue.Statistics);
    }

    /// <summary>Every value accepted is somewhere: still queued, forwarded, dropped (any reason) or a dead letter.</summary>
    private static void AssertTotalsAddUp(QueueStatistics stats) =>
        Assert.Equal(stats.Enqueued, stats.Depth + stats.Forwarded + stats.Dropped + stats.DeadLetters);

    private static long Size(string device, string alias, string value) => device.Length + alias.Length + value.Length + MessageQueue.RowOverheadBytes;
}
