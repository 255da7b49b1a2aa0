using Outpost.Cloud.Fleet;
using Outpost.Cloud.Ingest;
using Outpost.Cloud.Management.Contracts;
using Outpost.Cloud.Registry;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Reports;

namespace Outpost.Cloud.Tests.Fleet;

/// <summary>One gateway's row of the fleet view, from its registry record and latest report values (pure).</summary>
public sealed class GatewayViewTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_790_000_600);
    private static readonly TimeSpan OfflineAfter = TimeSpan.FromMinutes(10);

    private static Registry.Device Gateway(DeviceStatus status = DeviceStatus.Activated) =>
        new(7, "fieldgw01", "AF:14:B9:00:50:2C", status, new Dictionary<string, string> { ["site"] = "north" }, "{}", Now.AddDays(-3), Now.AddDays(-2), null);

    private static Dictionary<string, StoredValue> Latest(params (string Alias, string Value)[] values) =>
        values.ToDictionary(v => v.Alias, v => new StoredValue(v.Alias, Now.AddMinutes(-1).ToUnixTimeMilliseconds(), v.Value), StringComparer.Ordinal);

    private static FleetGatewayDto Describe(Dictionary<string, StoredValue> latest, DateTimeOffset? seen = null) =>
        GatewayView.Describe(Gateway(), seen ?? Now.AddSeconds(-30), latest, Now, OfflineAfter);

    [Theory]
    [InlineData(null, "never")]
    [InlineData(0, "online")]
    [InlineData(600, "online")]
    [InlineData(601, "offline")]
    [InlineData(-5, "online")]
    public void Connectivity_FromLastSeenAndTheThreshold(int? secondsAgo, string expected) =>
        Assert.Equal(expected, GatewayView.Connectivity(secondsAgo is { } s ? Now.AddSeconds(-s) : null, Now, OfflineAfter));

    [Fact]
    public void Describe_NoReportsYet_KeepsRegistryFactsAndLeavesTheRestEmpty()
    {
        var row = GatewayView.Describe(Gateway(DeviceStatus.NotActivated), null, Latest(), Now, OfflineAfter);

        Assert.Equal("AF:14:B9:00:50:2C", row.Serial);
        Assert.Equal("notactivated", row.Status);
        Assert.Equal("never", row.Connectivity);
        Assert.Equal("north", row.Tags["site"]);
        Assert.Null(row.EngineVersion);
        Assert.Null(row.ReportedAt);
        Assert.Empty(row.Apps);
        Assert.Null(row.Os);
        Assert.Null(row.Disk);
        Assert.Null(row.Gmq);
        Assert.Null(row.LastCommand);
        Assert.Empty(row.Problems);
    }

    [Fact]
    public void Describe_EngineReport_GivesVersionAppsSortedByNameAndQueue()
    {
        var gmq = new GmqReport(12, 4096, 90, 500, 488, 3, 0, 2);
        var row = Describe(Latest((GatewayAliases.EngineReport, FleetReports.Engine("1.4.0", gmq, ("zeta", "3", "BACKOFF", 5), ("alpha", "1", "RUNNING", 0)))));

        Assert.Equal("1.4.0", row.EngineVersion);
        Assert.Equal(Now.AddMinutes(-1), row.ReportedAt);
        Assert.Equal([new FleetAppDto("alpha", "1", "RUNNING", 0), new FleetAppDto("zeta", "3", "BACKOFF", 5)], row.Apps);
        Assert.Equal(new FleetQueueDto(12, 90, 3, 2), row.Gmq);
    }

    [Fact]
    public void Describe_Disk_IsTheFullestFilesystemOfTheUsageReport()
    {
        var row = Describe(Latest(
            (GatewayAliases.UsageReport, FleetReports.Usage(("/", 1000, 400), ("/data", 2000, 1800), ("/boot", 0, 0))),
            (GatewayAliases.DeviceInfo, FleetReports.Info(disks: ("/", 1000, 999)))));

        Assert.Equal(new FleetDiskDto("/data", 90.0, 200), row.Disk);
        Assert.Equal("Debian GNU/Linux 12", row.Os);
    }

    [Fact]
    public void Describe_NoUsageReportYet_TakesTheDiskFromDeviceInfo()
    {
        var row = Describe(Latest((GatewayAliases.DeviceInfo, FleetReports.Info(disks: ("/", 1000, 250)))));

        Assert.Equal(new FleetDiskDto("/", 25.0, 750), row.Disk);
    }

    [Fact]
    public void Describe_FetchStatus_IsTheLastCommand()
    {
        var row = Describe(Latest((GatewayAliases.FetchStatus, FleetReports.Fetch(FetchStatuses.RolledBack, "install.sh exited 3"))));

        Assert.Equal(new FleetCommandDto("install", "test_app.v2.tar.gz", "rolled_back", "install.sh exited 3", DateTimeOffset.FromUnixTimeSeconds(1_790_000_060)), row.LastCommand);
        Assert.True(GatewayView.Failed(row.LastCommand));
    }

    [Theory]
    [InlineData(FetchStatuses.Failed, true)]
    [InlineData(FetchStatuses.RolledBack, true)]
    [InlineData(FetchStatuses.Rejected, true)]
    [InlineData(FetchStatuses.Installed, false)]
    [InlineData(FetchStatuses.Uninstalled, false)]
    [InlineData(FetchStatuses.Reported, false)]
    public void Failed_OnlyWhenTheCommandDidNotDoWhatWasAsked(string status, bool failed) =>
        Assert.Equal(failed, GatewayView.Failed(new FleetCommandDto("install", "a.v1.tar.gz", status, null, null)));

    [Fact]
    public void Failed_NoCommandYet_IsNotAFailure() => Assert.False(GatewayView.Failed(null));

    [Theory]
    [InlineData("rollback", FetchStatuses.RolledBack, false)] // a rollback that did what was asked
    [InlineData("rollback", FetchStatuses.Failed, true)]
    [InlineData("install", FetchStatuses.RolledBack, true)]   // an install that failed and was undone
    [InlineData(null, FetchStatuses.RolledBack, true)]
    public void Failed_RolledBack_IsASuccessOnlyForARollbackCommand(string? command, string status, bool failed) =>
        Assert.Equal(failed, GatewayView.Failed(new FleetCommandDto(command, "test_app", status, null, null)));

    [Fact]
    public void Describe_UnreadableReports_AreNamedAndTheRestOfTheRowStands()
    {
        var row = Describe(Latest(
            (GatewayAliases.EngineReport, "not json"),
            (GatewayAliases.UsageReport, "null"),
            (GatewayAliases.FetchStatus, "{\"status\": 7}"),
            (GatewayAliases.DeviceInfo, FleetReports.Info())));

        Assert.Equal(["engine_report: not a gwe report", "usage_report: null", "fetch_status: not a gwe report at $.status"], row.Problems);
        Assert.Null(row.EngineVersion);
        Assert.Null(row.ReportedAt);
        Assert.Null(row.LastCommand);
        Assert.Equal("Debian GNU/Linux 12", row.Os);
        Assert.Equal("online", row.Connectivity);
    }

    [Fact]
    public void Describe_NullsInsideReports_AreNamed_NeverDereferenced()
    {
        var row = Describe(Latest(
            (GatewayAliases.EngineReport, """{"gwe": null, "apps": [null, {"bad": null}, {"ok": {"version": "1", "status": "RUNNING", "uptime": 5, "restarts": 0}}]}"""),
            (GatewayAliases.UsageReport, """{"interval": 1, "interfaces": {}, "disks": [null, {"mount": "/", "total": 100, "used": 50, "free": 50}], "engine": null}"""),
            (GatewayAliases.FetchStatus, """{"status": null, "started": "2026-01-01T00:00:00Z", "finished": "2026-01-01T00:00:00Z"}""")));

        Assert.Equal([new FleetAppDto("ok", "1", "RUNNING", 0)], row.Apps);
        Assert.Equal(new FleetDiskDto("/", 50.0, 50), row.Disk);
        Assert.Null(row.EngineVersion);
        Assert.Null(row.LastCommand);
        Assert.Equal(["fetch_status: no status", "engine_report: an app entry is null", "engine_report: app bad is not a gwe app report"], row.Problems);
    }

    [Fact]
    public void Describe_DeviceInfoDisksWithNulls_AreSkipped()
    {
        var info = FleetReports.Info(disks: ("/", 1000, 250));
        Assert.Contains("\"disks\":[{", info, StringComparison.Ordinal);

        var row = Describe(Latest((GatewayAliases.DeviceInfo, info.Replace("\"disks\":[{", "\"disks\":[null,{", StringComparison.Ordinal))));

        Assert.Equal(new FleetDiskDto("/", 25.0, 750), row.Disk);
        Assert.Equal("Debian GNU/Linux 12", row.Os);
    }

    [Fact]
    public void Describe_TimestampPastYear9999_IsAProblemNotAFailure()
    {
        var latest = new Dictionary<string, StoredValue>(StringComparer.Ordinal)
        {
            [GatewayAliases.FetchStatus] = new(GatewayAliases.FetchStatus, 99_999_999_999_999_999, FleetReports.Fetch(FetchStatuses.Installed)),
        };

        var row = Describe(latest);

        Assert.Equal(["fetch_status: written at a time past year 9999"], row.Problems);
        Assert.Null(row.LastCommand);
    }
}
