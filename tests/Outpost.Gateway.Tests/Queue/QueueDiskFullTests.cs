using System.Diagnostics;
using Outpost.Gateway.Queue;
using static Outpost.Gateway.Tests.Queue.QueueSamples;

namespace Outpost.Gateway.Tests.Queue;

/// <summary>
/// A queue file on a disk that really fills up (a 1 MiB tmpfs mounted for the test; the test command runs as root):
/// a commit refused by the disk fails its callers, and the queue goes on answering with true totals — no write hangs,
/// every read works on the full disk — and takes writes again once space is back, every acknowledged value kept.
/// </summary>
public sealed class QueueDiskFullTests : IDisposable
{
    private readonly QueueDirectory _dir = new();

    public QueueDiskFullTests()
    {
        try
        {
            Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", _dir.Path);
        }
        catch
        {
            _dir.Dispose(); // xUnit does not dispose a class whose constructor threw
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Run("umount", "-l", _dir.Path);
        }
        finally
        {
            _dir.Dispose();
        }
    }

    [Fact]
    public async Task DiskFull_FailsTheCommit_QueueKeepsAnsweringWithTrueTotals_AndResumesWhenSpaceIsBack()
    {
        // Ballast to delete later: the space that comes back.
        var ballast = Path.Combine(_dir.Path, "ballast");
        await File.WriteAllBytesAsync(ballast, new byte[256 * 1024]);
        var acknowledged = new List<string>();
        await using (var queue = await _dir.OpenAsync())
        {
            Exception? refused = null;
            for (var i = 0; i < 2_000 && refused is null; i++)
            {
                var value = $"{i:D6}-{new string('x', 2_000)}";
                try
                {
                    var result = await queue.EnqueueAsync([Of("d", "a", i, value)]).WaitAsync(TimeSpan.FromSeconds(30));
                    Assert.True(result.IsAccepted, result.Error);
                    acknowledged.Add(value);
                }
                catch (Exception ex) when (ex is not TimeoutException and not Xunit.Sdk.XunitException)
                {
                    refused = ex;
                }
            }

            Assert.NotNull(refused);
            Assert.NotEmpty(acknowledged);

            // Still answering, with the refused group not counted: the state was read back from the full disk.
            var again = await Record.ExceptionAsync(() => queue.EnqueueAsync([Of("d", "a", 9_999, "later")]).WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.IsNotType<TimeoutException>(again);
            Assert.Equal(acknowledged.Count, queue.Statistics.Depth);
            Assert.Equal(acknowledged.Count, (await queue.PeekBatchAsync(10_000, 64 << 20)).Count);

            File.Delete(ballast);
            Assert.True((await queue.EnqueueAsync([Of("d", "a", 10_000, "after")])).IsAccepted);
            acknowledged.Add("after");
        }

        // Read back, not drained: deleting from SQLite writes the WAL too, and this disk is still nearly full.
        await using var reopened = await _dir.OpenAsync();
        Assert.Equal(acknowledged.Count, reopened.Statistics.Depth);
        Assert.Equal(acknowledged, (await reopened.PeekBatchAsync(10_000, 64 << 20)).Select(m => m.Value));
    }

    [Fact]
    public async Task DiskFull_AnAppsWriteThroughGmq_Is507NamingTheDisk_NotA500()
    {
        // The cloud is unreachable (port 1): every value stays queued until the disk is full.
        await using var gmq = await Gmq.GmqInstance.StartAsync(new Uri("http://127.0.0.1:1/"), _dir.Path, o => o with { MinFreeDiskPercent = 0 });
        var value = new string('x', 4_000);
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 1_000 && refused is null; i++)
        {
            var answer = await gmq.Http.SendAsync(Gmq.AppRequests.Write("X-Exosite-CIK", new string('a', 40), ("v", $"{i}-{value}")));
            if (answer.StatusCode != System.Net.HttpStatusCode.NoContent)
            {
                refused = answer;
            }
            else
            {
                answer.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.Equal((System.Net.HttpStatusCode)507, refused.StatusCode);
            Assert.Contains("disk is full", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {error.Trim()} (the test command runs as root)");
    }
}
