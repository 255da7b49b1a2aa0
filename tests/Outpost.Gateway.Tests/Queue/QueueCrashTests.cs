using System.Diagnostics;
using Outpost.Gateway.Queue;

namespace Outpost.Gateway.Tests.Queue;

public sealed class QueueCrashTests : IDisposable
{
    private readonly QueueDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task KillDashNine_MidStream_EveryAcknowledgedValueIsStillQueued()
    {
        var acknowledged = await RunAndKillAsync(maxBytes: null);

        // The child only ever inserted, so its commits left the totals row alone (one WAL page less each) and the kill
        // left it unsaved; opening catches the totals and the next sequence up from the queue table.
        Assert.Equal((1L, 0L), _dir.ReadMetaRow());
        await using var queue = await _dir.OpenAsync();
        Assert.Equal(queue.Statistics.Depth, queue.Statistics.Enqueued);
        var stored = await DrainAsync(queue);

        var missing = acknowledged.Keys.Where(id => !stored.ContainsKey(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged values lost, e.g. {missing.FirstOrDefault()}");
        Assert.All(acknowledged, pair => Assert.Equal(pair.Value, stored[pair.Key]));
        Assert.Equal(stored.Count, queue.Statistics.Forwarded);

        // The next value gets an id no value before the kill had.
        var next = await queue.EnqueueAsync([QueueSamples.Of("dev0", "a", 1, "after")]);
        Assert.DoesNotContain(next.MessageIds[0], stored.Keys);
    }

    [Fact]
    public async Task KillDashNine_WhileDroppingTheOldest_TotalsStillAddUp_AndIdsContinue()
    {
        // About 60 values fit: nearly every commit drops the oldest, so the totals row is rewritten by most commits
        // and left alone by the rest — the kill lands after either kind.
        var acknowledged = await RunAndKillAsync(maxBytes: 60 * 70);

        await using var queue = await _dir.OpenAsync(change: o => o with { MaxBytes = 60 * 70 });
        var stats = queue.Statistics;
        Assert.True(stats.DroppedOverflow > 0, "the child dropped values before the kill");
        Assert.True(stats.Enqueued >= acknowledged.Count, $"enqueued {stats.Enqueued} < {acknowledged.Count} acknowledged");
        Assert.Equal(stats.Enqueued, stats.Depth + stats.DroppedOverflow);

        // What is left is the newest values, each one the child was told was accepted (or the commit the kill cut short).
        var stored = await DrainAsync(queue);
        Assert.Equal(stats.Depth, stored.Count);
        Assert.All(stored.Where(pair => acknowledged.ContainsKey(pair.Key)), pair => Assert.Equal(acknowledged[pair.Key], pair.Value));

        // Only the oldest were dropped: every acknowledged value that arrived after the oldest survivor is still there.
        static long Sequence(string id) => long.Parse(id[(id.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var oldestKept = stored.Keys.Min(Sequence);
        var lost = acknowledged.Keys.Where(id => Sequence(id) >= oldestKept && !stored.ContainsKey(id)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged values newer than the oldest kept are gone, e.g. {lost.FirstOrDefault()}");

        var next = await queue.EnqueueAsync([QueueSamples.Of("dev0", "a", 1, "after")]);
        Assert.DoesNotContain(next.MessageIds[0], acknowledged.Keys);
        Assert.DoesNotContain(next.MessageIds[0], stored.Keys);
    }

    /// <summary>Runs <see cref="CrashWriter"/> until 3,000 values are acknowledged, kills it, returns id → value of each.</summary>
    private async Task<Dictionary<string, string>> RunAndKillAsync(long? maxBytes)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var assembly = typeof(QueueCrashTests).Assembly.Location;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        start.Environment["DOTNET_STARTUP_HOOKS"] = assembly;
        start.Environment[CrashWriter.DirectoryVariable] = _dir.Path;
        if (maxBytes is { } max)
        {
            start.Environment[CrashWriter.MaxBytesVariable] = max.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var acknowledged = new Dictionary<string, string>(StringComparer.Ordinal);
        using var child = Process.Start(start)!;
        try
        {
            // Let it run into the thousands, then pull the plug in the middle of the stream.
            while (acknowledged.Count < 3000)
            {
                var line = await child.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException($"the crash writer exited early with code {(child.WaitForExit(5000) ? child.ExitCode : -1)}");
                Record(line, acknowledged);
            }
        }
        finally
        {
            child.Kill(); // SIGKILL on Linux: no flush, no dispose, no finally.
        }

        await child.WaitForExitAsync(timeout.Token);

        // Lines the child wrote before it died were acknowledged too.
        while (await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            Record(line, acknowledged);
        }

        return acknowledged;
    }

    private static async Task<Dictionary<string, string>> DrainAsync(MessageQueue queue)
    {
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var message in await QueueSamples.DrainAsync(queue, batch: 5000))
        {
            stored[message.MessageId] = message.Value;
        }

        return stored;
    }

    private static void Record(string line, Dictionary<string, string> acknowledged)
    {
        Assert.False(line.StartsWith("refused", StringComparison.Ordinal), line);
        var parts = line.Split(' ');
        if (parts is ["ack", var id, var value, "."])
        {
            acknowledged[id] = value;
        }
    }
}
