using Outpost.Device;
using Outpost.Gateway.Engine;
using Outpost.Gateway.Telemetry;

namespace Outpost.Gateway.Tests.Engine;

public sealed class TelemetryTests
{
    private const string NetDev = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:  1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
          eth0: 5000000   4000    0    0    0     0          0         0   700000    3000    0    0    0     0       0          0
        garbage line
        """;

    [Fact]
    public void Parse_ReadsRxAndTxBytesPerInterface() =>
        Assert.Equal(
            [new NetDevCounters("lo", 1000, 1000), new NetDevCounters("eth0", 5_000_000, 700_000)],
            ProcNetDev.Parse(NetDev));

    [Fact]
    public void Since_CountsTheDifferenceAndRestartsAfterAReset()
    {
        Assert.Equal((0, 0), ProcNetDev.Since(new("eth0", 10, 10), null));
        Assert.Equal((90, 5), ProcNetDev.Since(new("eth0", 100, 15), new("eth0", 10, 10)));
        Assert.Equal((7, 5), ProcNetDev.Since(new("eth0", 7, 15), new("eth0", 10, 10)));
    }

    [Fact]
    public void Traffic_NamesTheTopConsumer()
    {
        var traffic = UsageCollector.Traffic(new Dictionary<string, BandwidthUsage>
        {
            ["wait:engine_fetch"] = new(10, 3000, 2000),
            ["download:app.v1.tar.gz"] = new(1, 300, 90_000),
        });

        Assert.Equal("download:app.v1.tar.gz", traffic.TopConsumer);
        Assert.Equal(3300, traffic.BytesSent);
        Assert.Equal(92_000, traffic.BytesReceived);
        Assert.Null(UsageCollector.Traffic(new Dictionary<string, BandwidthUsage>()).TopConsumer);
    }

    [Fact]
    public void EngineConfigFile_SetKeepsOtherSectionsAndComments()
    {
        var path = Path.Join(Path.GetTempPath(), "engine-" + Guid.NewGuid().ToString("N") + ".conf");
        File.WriteAllText(path, "# mine\n[engine]\nupdate_interval = 10\nprocess_manager = builtin\n\n[other]\nx = 1\n");
        try
        {
            var file = EngineConfigFile.Load(path);
            file.Set("update_interval", "20");
            file.Set("debug_level", "ERROR");

            Assert.Equal("# mine\n[engine]\nupdate_interval = 20\nprocess_manager = builtin\ndebug_level = ERROR\n\n[other]\nx = 1\n", file.Text);
            Assert.Equal(20, file.TryRead(out _)!.UpdateInterval);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
