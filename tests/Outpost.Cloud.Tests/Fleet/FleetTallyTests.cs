using Outpost.Cloud.Fleet;
using Outpost.Cloud.Management.Contracts;

namespace Outpost.Cloud.Tests.Fleet;

/// <summary>The fleet view's counts (pure) and its row filter.</summary>
public sealed class FleetTallyTests
{
    private static FleetGatewayDto Row(string serial, string connectivity, string? engine = null, FleetCommandDto? command = null, IReadOnlyList<string>? problems = null, params FleetAppDto[] apps) =>
        new(serial, "activated", connectivity, null, new Dictionary<string, string>(), engine, null, apps, null, null, null, command, problems ?? []);

    private static readonly FleetGatewayDto[] Fleet =
    [
        Row("gw-1", "online", "1.4.0", new FleetCommandDto("install", "a.v2.tar.gz", "installed", null, null), null, new FleetAppDto("a", "2", "RUNNING", 0)),
        Row("gw-2", "online", "1.4.0", new FleetCommandDto("install", "a.v2.tar.gz", "rolled_back", "exit 3", null), null, new FleetAppDto("a", "1", "RUNNING", 0), new FleetAppDto("b", "1", "RUNNING", 0)),
        Row("gw-3", "offline", "1.3.9", null, ["engine_report: not a gwe report"], new FleetAppDto("a", "2", "RUNNING", 0)),
        Row("gw-4", "never"),
        Row("gw-5", "online", "1.4.0", null, null, new FleetAppDto("a", "2", "BACKOFF", 4)),
    ];

    [Fact]
    public void Summarize_CountsConnectivityVersionsAppsFailuresAndUnreadable()
    {
        var summary = FleetTally.Summarize(Fleet, TimeSpan.FromMinutes(10));

        Assert.Equal((5, 3, 1, 1, 600L), (summary.Gateways, summary.Online, summary.Offline, summary.Never, summary.OfflineAfterSeconds));
        Assert.Equal(new Dictionary<string, int> { ["1.3.9"] = 1, ["1.4.0"] = 3 }, summary.EngineVersions);
        Assert.Equal(["1.3.9", "1.4.0"], summary.EngineVersions.Keys);
        Assert.Equal(
            [new FleetAppCountDto("a", "2", "RUNNING", 2), new FleetAppCountDto("a", "1", "RUNNING", 1), new FleetAppCountDto("a", "2", "BACKOFF", 1), new FleetAppCountDto("b", "1", "RUNNING", 1)],
            summary.Apps);
        Assert.Equal(1, summary.LastCommandFailed);
        Assert.Equal(1, summary.Unreadable);
    }

    [Fact]
    public void Summarize_Empty_IsAllZero()
    {
        var summary = FleetTally.Summarize([], TimeSpan.FromSeconds(90));

        Assert.Equal((0, 0, 0, 0, 90L, 0, 0), (summary.Gateways, summary.Online, summary.Offline, summary.Never, summary.OfflineAfterSeconds, summary.LastCommandFailed, summary.Unreadable));
        Assert.Empty(summary.EngineVersions);
        Assert.Empty(summary.Apps);
    }

    [Theory]
    [InlineData(null, null, null, false, "gw-1 gw-2 gw-3 gw-4 gw-5")]
    [InlineData("online", null, null, false, "gw-1 gw-2 gw-5")]
    [InlineData("never", null, null, false, "gw-4")]
    [InlineData(null, "a", null, false, "gw-1 gw-2 gw-3 gw-5")]
    [InlineData(null, "a", "1", false, "gw-2")]
    [InlineData(null, "b", "2", false, "")]
    [InlineData(null, null, null, true, "gw-2")]
    [InlineData("offline", "a", "2", false, "gw-3")]
    [InlineData("online", "a", "2", true, "")]
    public void Matches_EveryGivenPartMustHold(string? connectivity, string? app, string? version, bool failedOnly, string expected)
    {
        var filter = new FleetFilter(connectivity, app, version, failedOnly);

        Assert.Equal(expected, string.Join(' ', Fleet.Where(filter.Matches).Select(r => r.Serial)));
    }

    [Theory]
    [InlineData("test_app", true, "test_app", null)]
    [InlineData("test_app@2", true, "test_app", "2")]
    [InlineData("test_app@1.0@x", true, "test_app", "1.0@x")]
    [InlineData("@2", false, "", "2")]
    [InlineData("test_app@", false, "test_app", "")]
    [InlineData("", false, "", null)]
    public void TryApp_NameOrNameAtVersion(string text, bool ok, string app, string? version)
    {
        Assert.Equal(ok, FleetFilter.TryApp(text, out var parsedApp, out var parsedVersion, out var error));
        Assert.Equal(app, parsedApp);
        Assert.Equal(version, parsedVersion);
        Assert.Equal(ok ? string.Empty : $"app filter '{text}' must be NAME or NAME@VERSION", error);
    }
}
