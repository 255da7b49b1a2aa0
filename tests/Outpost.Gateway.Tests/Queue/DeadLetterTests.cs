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
}
