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
    public void GmqByApp_PerAppSinceLastAndTotals_NewAppsAndRestartedCountersCountWhole()
    {
        var previous = new Dictionary<string, BandwidthUsage>
        {
            ["cik:aaaa"] = new(2, 1000, 300),
            ["vms:p p sn1"] = new(5, 9000, 900),
        };
        var now = new Dictionary<string, BandwidthUsage>
        {
            ["cik:aaaa"] = new(3, 1600, 400),
            ["vms:p p sn1"] = new(1, 100, 50),
            ["cik:bbbb"] = new(1, 700, 80),
        };

        var traffic = UsageCollector.GmqByApp(now, previous);

        Assert.Equal(new Protocol.Reports.AppTraffic(1, 600, 100, 3, 1600, 400), traffic.Apps["cik:aaaa"]);
        Assert.Equal(new Protocol.Reports.AppTraffic(1, 100, 50, 1, 100, 50), traffic.Apps["vms:p p sn1"]);
        Assert.Equal(new Protocol.Reports.AppTraffic(1, 700, 80, 1, 700, 80), traffic.Apps["cik:bbbb"]);
        Assert.Equal((1400, 230, 2400, 530), (traffic.BytesSent, traffic.BytesReceived, traffic.TotalBytesSent, traffic.TotalBytesReceived));
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
