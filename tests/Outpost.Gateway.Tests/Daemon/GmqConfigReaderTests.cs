using Outpost.Gateway.Daemon;
using Outpost.Gateway.Queue;

namespace Outpost.Gateway.Tests.Daemon;

/// <summary>engine.conf's <c>[gmq]</c> keys as gwe reads them: every key, every bad value, one line naming the key's line.</summary>
public sealed class GmqConfigReaderTests
{
    private static readonly Uri Cloud = new("http://cloud.example:8080/");

    // The queue's directory must exist (the options check it): the test run's temp directory does.
    private static readonly string QueuePath = Path.Join(Path.GetTempPath(), "queue.db");

    private static (Outpost.Gateway.Queue.Hosting.GmqOptions? Options, string Error) Read(string text)
    {
        var options = GmqConfigReader.Read(text, "engine.conf", Cloud, QueuePath, out var error);
        return (options, error);
    }

    [Fact]
    public void Reread_BackoffKeysApplyAtOnce_UrlAndQueueKeysWaitForARestart()
    {
        // What docs/gmq.md's reread row says of engine.conf's [gmq] keys, key by key.
        var settings = new Outpost.Gateway.Queue.Hosting.GmqSettings(Read("[gmq]\nurl = http://127.0.0.1:8090\n").Options!);

        var backoff = settings.Apply(Read("[gmq]\nurl = http://127.0.0.1:8090\nbackoff_base = 2\nbackoff_max = 7\n").Options!);
        Assert.Empty(backoff);
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(7)), (settings.Current.BackoffBase, settings.Current.BackoffMax));

        var restart = settings.Apply(Read("[gmq]\nurl = http://127.0.0.1:8091\nmax_bytes = 1048576\nmin_free_disk = 1\npolicy = reject\n").Options!);
        Assert.Equal(["url", "queue (path, max_bytes, min_free_disk, policy)"], restart);
        Assert.Equal(
            ("http://127.0.0.1:8090", 64L * 1024 * 1024, 5.0, OverflowPolicy.DropOldest),
            (settings.Current.Url, settings.Current.MaxBytes, settings.Current.MinFreeDiskPercent, settings.Current.Policy));
    }

    [Fact]
    public void NoSection_GivesTheDefaults_WithTheEngineCloudAndQueue()
    {
        var (options, error) = Read("[engine]\nprocess_manager = builtin\n");

        Assert.Equal(string.Empty, error);
        Assert.NotNull(options);
        Assert.Equal((Cloud, QueuePath, 64L * 1024 * 1024, 5.0, OverflowPolicy.DropOldest, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)),
            (options.CloudUrl, options.QueuePath, options.MaxBytes, options.MinFreeDiskPercent, options.Policy, options.BackoffBase, options.BackoffMax));
    }

    [Fact]
    public void EveryKey_IsRead()
    {
        var (options, error) = Read("[gmq]\nurl = http://127.0.0.1:9000\nmax_bytes = 2048\nmin_free_disk = 7.5%\npolicy = reject\nbackoff_base = 0.5\nbackoff_max = 600\nfuture_key = 1\n");

        Assert.Equal(string.Empty, error);
        Assert.NotNull(options);
        Assert.Equal(("http://127.0.0.1:9000", 2048L, 7.5, OverflowPolicy.Reject, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(10)),
            (options.Url, options.MaxBytes, options.MinFreeDiskPercent, options.Policy, options.BackoffBase, options.BackoffMax));
    }

    [Theory]
    [InlineData("max_bytes = lots", "engine.conf line 3: [gmq] max_bytes: 'lots' is not a whole number of bytes")]
    [InlineData("min_free_disk = half", "engine.conf line 3: [gmq] min_free_disk: 'half' is not a percentage")]
    [InlineData("policy = keep", "engine.conf line 3: [gmq] policy: 'keep' is not drop_oldest or reject")]
    [InlineData("backoff_base = soon", "engine.conf line 3: [gmq] backoff_base: 'soon' is not a number of seconds")]
    [InlineData("backoff_max = -1", "engine.conf line 3: [gmq] backoff_max: '-1' is not a number of seconds")]
    [InlineData("backoff_max = NaN", "engine.conf line 3: [gmq] backoff_max: 'NaN' is not a number of seconds")]
    [InlineData("backoff_base = 601\nbackoff_max = 3600", "engine.conf: gmq backoff_base must be between 10 ms and 10 min.")]
    [InlineData("backoff_max = 3601", "engine.conf: gmq backoff_max must be between 10 ms and 1 h.")]
    [InlineData("backoff_base = 20\nbackoff_max = 10", "engine.conf: gmq backoff_max must not be shorter than backoff_base.")]
    [InlineData("max_bytes = 100", "engine.conf: gmq max_bytes must be at least 1024.")]
    public void BadValue_IsOneLineNamingIt_AndNoOptions(string lines, string expected)
    {
        var (options, error) = Read("[engine]\n[gmq]\n" + lines + "\n");

        Assert.Null(options);
        Assert.Equal(expected, error);
    }
}
