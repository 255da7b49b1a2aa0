using Outpost.Cloud.Simulator;
using Outpost.Protocol.Reports;

namespace Outpost.Cloud.Tests.Simulator;

/// <summary>The simulator's pure core: command in, next state and fetch_status values out.</summary>
public sealed class SimulatedGatewayTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const string InstallV2 = """{"install":[{"name":"test_app.v2.tar.gz"}],"id":"r1"}""";

    [Fact]
    public void Apply_InstallAboveFailRate_InstallsAndReportsNewVersionRunning()
    {
        var gateway = Gateway(failRate: 0.2);
        var plan = SimulatedGateway.Plan(InstallV2, new GatewayRolls(0.5, 0.5, TimeSpan.FromMilliseconds(300)));

        var statuses = gateway.Apply(plan, T0, T0.AddMilliseconds(300));

        Assert.Equal(TimeSpan.FromMilliseconds(300), plan.Delay);
        var status = Assert.Single(statuses);
        Assert.Equal(("r1", "install", "test_app.v2.tar.gz", "test_app", "2", FetchStatuses.Installed), (status.Id, status.Command, status.Name, status.App, status.Version, status.Status));
        var app = gateway.Report(T0.AddSeconds(10)).Find("test_app")!;
        Assert.Equal(("2", AppReport.Running, 0), (app.Version, app.Status, app.Restarts));
        Assert.Equal("1", gateway.Apps[0].Previous);
    }

    [Fact]
    public void Apply_InstallBelowFailRate_FailsAndKeepsOldVersion()
    {
        var gateway = Gateway(failRate: 0.2);

        var status = Assert.Single(gateway.Apply(SimulatedGateway.Plan(InstallV2, new GatewayRolls(0.1, 0.9, TimeSpan.Zero)), T0, T0));

        Assert.Equal((FetchStatuses.Failed, "r1", "2", 1), (status.Status, status.Id, status.Version, status.ExitCode));
        Assert.Contains("1 is running again", status.Reason, StringComparison.Ordinal);
        Assert.Equal(("1", AppReport.Running), (gateway.Report(T0).Find("test_app")!.Version, gateway.Report(T0).Find("test_app")!.Status));
    }

    [Fact]
    public void Report_CrashingVersion_BacksOffWithClimbingRestartsThenFatal()
    {
        var gateway = Gateway(failRate: 0, crashRate: 0.5);
        gateway.Apply(SimulatedGateway.Plan(InstallV2, new GatewayRolls(0.9, 0.1, TimeSpan.Zero)), T0, T0);

        var early = gateway.Report(T0.AddSeconds(1)).Find("test_app")!;
        var later = gateway.Report(T0.AddSeconds(7)).Find("test_app")!;
        var end = gateway.Report(T0.AddMinutes(5)).Find("test_app")!;

        Assert.Equal(("2", "BACKOFF"), (early.Version, early.Status));
        Assert.True(later.Restarts > early.Restarts);
        Assert.Equal(("FATAL", SimulatedGateway.MaxRestarts), (end.Status, end.Restarts));
    }

    [Fact]
    public void Apply_InstallOfTheCurrentVersion_IsANoOpAnsweredInstalled_AndRollbackStillReturnsToThePreviousOne()
    {
        // As gwe: re-sending v2's install changes nothing, whatever the dice say; v1 stays the version to roll back to.
        var gateway = Gateway(failRate: 0.5, crashRate: 0.5);
        gateway.Apply(SimulatedGateway.Plan(InstallV2, new GatewayRolls(0.9, 0.9, TimeSpan.Zero)), T0, T0);

        var again = Assert.Single(gateway.Apply(SimulatedGateway.Plan(InstallV2.Replace("r1", "r2", StringComparison.Ordinal), new GatewayRolls(0.1, 0.1, TimeSpan.Zero)), T0.AddMinutes(1), T0.AddMinutes(1)));

        Assert.Equal(("r2", FetchStatuses.Installed, "test_app 2 is already installed", (bool?)true), (again.Id, again.Status, again.Reason, again.Unchanged));
        var app = gateway.Report(T0.AddMinutes(2)).Find("test_app")!;
        Assert.Equal(("2", AppReport.Running, 0, 120L), (app.Version, app.Status, app.Restarts, app.Uptime));
        var back = Assert.Single(gateway.Apply(SimulatedGateway.Plan("""{"rollback":[{"name":"test_app"}],"id":"r3"}""", new GatewayRolls(0.9, 0.9, TimeSpan.Zero)), T0, T0));
        Assert.Equal((FetchStatuses.RolledBack, "1"), (back.Status, back.Version));
    }

    [Fact]
    public void Apply_Rollback_ReturnsToPreviousVersionRunning()
    {
        var gateway = Gateway(failRate: 0, crashRate: 1);
        gateway.Apply(SimulatedGateway.Plan(InstallV2, new GatewayRolls(0.9, 0.1, TimeSpan.Zero)), T0, T0);

        var plan = SimulatedGateway.Plan("""{"rollback":[{"name":"test_app"}],"id":"rb1"}""", GatewayRolls.Clean);
        var status = Assert.Single(gateway.Apply(plan, T0.AddSeconds(5), T0.AddSeconds(5)));

        Assert.Equal(TimeSpan.Zero, plan.Delay);
        Assert.Equal((FetchStatuses.RolledBack, "rb1", "1"), (status.Status, status.Id, status.Version));
        var app = gateway.Report(T0.AddSeconds(6)).Find("test_app")!;
        Assert.Equal(("1", AppReport.Running, 0), (app.Version, app.Status, app.Restarts));
    }

    [Fact]
    public void Apply_RollbackWithoutPrevious_IsRejected()
    {
        var gateway = Gateway();

        var status = Assert.Single(gateway.Apply(SimulatedGateway.Plan("""{"rollback":[{"name":"test_app"}],"id":"x"}""", GatewayRolls.Clean), T0, T0));

        Assert.Equal((FetchStatuses.Rejected, "x"), (status.Status, status.Id));
        Assert.Equal("1", gateway.Apps[0].Version);
    }

    [Theory]
    [InlineData("not json", null)]
    [InlineData("""{"reboot":{},"id":"r9"}""", "r9")]
    [InlineData("""{"install":[{"name":"bad name"}],"id":"r8"}""", "r8")]
    public void Apply_BadCommand_IsRejectedWithItsId(string value, string? id)
    {
        var gateway = Gateway();

        var status = Assert.Single(gateway.Apply(SimulatedGateway.Plan(value, GatewayRolls.Clean), T0, T0));

        Assert.Equal((FetchStatuses.Rejected, id), (status.Status, status.Id));
        Assert.False(string.IsNullOrEmpty(status.Reason));
    }

    [Fact]
    public void Apply_CommandForUnknownApp_ChangesNothing()
    {
        var gateway = Gateway();

        var status = Assert.Single(gateway.Apply(SimulatedGateway.Plan("""{"stop":[{"name":"test_app"},{"name":"other"}]}""", GatewayRolls.Clean), T0, T0));

        Assert.Equal((FetchStatuses.Rejected, "other"), (status.Status, status.Name));
        Assert.False(gateway.Apps[0].Stopped);
    }

    [Fact]
    public void Apply_StopStartReportUninstall_FollowGweStatuses()
    {
        var gateway = Gateway();

        Assert.Equal(FetchStatuses.Stopped, gateway.Apply(SimulatedGateway.Plan("""{"stop":[{"name":"test_app"}]}""", GatewayRolls.Clean), T0, T0)[0].Status);
        Assert.Equal("STOPPED", gateway.Report(T0).Find("test_app")!.Status);
        Assert.Equal(FetchStatuses.Started, gateway.Apply(SimulatedGateway.Plan("""{"start":[{"name":"test_app"}]}""", GatewayRolls.Clean), T0, T0)[0].Status);
        Assert.Equal(FetchStatuses.Reported, gateway.Apply(SimulatedGateway.Plan("""{"report":{},"id":"now"}""", GatewayRolls.Clean), T0, T0)[0].Status);
        Assert.Equal(FetchStatuses.Uninstalled, gateway.Apply(SimulatedGateway.Plan("""{"uninstall":[{"name":"test_app"}]}""", GatewayRolls.Clean), T0, T0)[0].Status);
        Assert.Empty(gateway.Report(T0).Apps);
    }

    [Fact]
    public void Apply_InstallOfNewApp_AddsIt()
    {
        var gateway = Gateway();

        gateway.Apply(SimulatedGateway.Plan("""{"install":[{"name":"other.v3.tar.gz"}]}""", GatewayRolls.Clean), T0, T0);

        Assert.Equal("3", gateway.Report(T0).Find("other")!.Version);
        Assert.Equal("1", gateway.Report(T0).Find("test_app")!.Version);
    }

    [Theory]
    [InlineData("50ms..2s", 50, 2000)]
    [InlineData("1s", 1000, 1000)]
    [InlineData("0.5s..1m", 500, 60000)]
    public void LatencyRange_TryParse_ReadsRanges(string text, int min, int max)
    {
        Assert.True(LatencyRange.TryParse(text, out var range, out _));
        Assert.Equal((TimeSpan.FromMilliseconds(min), TimeSpan.FromMilliseconds(max)), (range.Min, range.Max));
        Assert.Equal(TimeSpan.FromMilliseconds((min + max) / 2.0), range.Pick(0.5));
    }

    [Theory]
    [InlineData("2s..1s")]
    [InlineData("fast")]
    [InlineData("10")]
    [InlineData("1h")]
    [InlineData("1441m")]
    public void LatencyRange_TryParse_RefusesNonsense(string text) =>
        Assert.False(LatencyRange.TryParse(text, out _, out _));

    [Fact]
    public void Options_Validate_NamesTheBadFlag()
    {
        var ok = new SimulatorOptions { ProductId = "p1", Count = 10 };

        Assert.Null(ok.Validate());
        Assert.Contains("--fail-rate", (ok with { FailRate = 1.5 }).Validate(), StringComparison.Ordinal);
        Assert.Contains("--count", (ok with { Count = 0 }).Validate(), StringComparison.Ordinal);
        Assert.Equal("sim-00007", ok.Serial(6));
    }

    [Fact]
    public void Apply_InstallTheShellCouldNotFetch_FailsWithItsReason_AndChangesNothingEvenForTheCurrentVersion()
    {
        var gateway = Gateway();
        const string Why = "download of test_app.v2.tar.gz failed: no content 'test_app.v2.tar.gz' in the product's content area";
        var failures = new Dictionary<string, string> { ["test_app.v2.tar.gz"] = Why };

        var status = Assert.Single(gateway.Apply(SimulatedGateway.Plan(InstallV2, new GatewayRolls(0.9, 0.9, TimeSpan.Zero)), T0, T0, failures));
        gateway.Apply(SimulatedGateway.Plan(InstallV2, new GatewayRolls(0.9, 0.9, TimeSpan.Zero)), T0, T0);
        var current = Assert.Single(gateway.Apply(SimulatedGateway.Plan(InstallV2, new GatewayRolls(0.9, 0.9, TimeSpan.Zero)), T0, T0, failures));

        Assert.Equal(("r1", FetchStatuses.Failed, "test_app", "2", Why), (status.Id, status.Status, status.App, status.Version, status.Reason));
        Assert.Equal((FetchStatuses.Failed, Why, (bool?)null), (current.Status, current.Reason, current.Unchanged));
        Assert.Equal("2", gateway.Report(T0).Find("test_app")!.Version);
    }

    private static SimulatedGateway Gateway(double failRate = 0, double crashRate = 0) =>
        new("sim-00001", [new SimulatedApp("test_app", "1", null, T0)], failRate, crashRate, T0);
}
