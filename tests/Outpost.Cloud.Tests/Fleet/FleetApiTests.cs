using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Outpost.Cloud.Tests.Cli;
using Outpost.Cloud.Tests.DeviceApi;
using Outpost.Protocol.Reports;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Fleet;

/// <summary>
/// <c>GET /api/v1/products/{pid}/fleet</c> and <c>outpost fleet</c> on a real node: gateways that reported through the
/// device API as gwe does, one that went quiet, one never seen.
/// </summary>
public sealed class FleetApiTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(TimeProvider.System.GetUtcNow());
    private readonly TempDirectory _temp = new();
    private TestCloud _cloud = null!;
    private string _pid = null!;

    public async Task InitializeAsync()
    {
        _cloud = await TestCloud.StartAsync(clock: _clock);
        _pid = await _cloud.CreateProductAsync();
        using (var tag = await _cloud.Admin.PostAsJsonAsync($"api/v1/products/{_pid}/devices", new { serials = new[] { "gw-new" }, tags = new { site = "south" } }))
        {
            tag.EnsureSuccessStatusCode();
        }

        var quiet = await _cloud.ProvisionAsync(_pid, "gw-quiet");
        await WriteAsync(quiet, ("engine_report", FleetReports.Engine("1.3.9", null, ("test_app", "1", "RUNNING", 0))));
        _clock.Advance(TimeSpan.FromMinutes(11)); // gw-quiet is now past the 10-minute default

        var up = await _cloud.ProvisionAsync(_pid, "gw-up");
        await WriteAsync(
            up,
            ("engine_report", FleetReports.Engine("1.4.0", new GmqReport(5, 500, 30, 100, 95, 0, 0, 0), ("test_app", "2", "RUNNING", 0))),
            ("usage_report", FleetReports.Usage(("/", 1000, 870))),
            ("fetch_status", FleetReports.Fetch(FetchStatuses.Installed)));
        var bad = await _cloud.ProvisionAsync(_pid, "gw-bad");
        await WriteAsync(
            bad,
            ("engine_report", FleetReports.Engine("1.4.0", null, ("test_app", "1", "RUNNING", 0))),
            ("fetch_status", FleetReports.Fetch(FetchStatuses.RolledBack, "install.sh exited 3")));
    }

    public async Task DisposeAsync()
    {
        await _cloud.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Fleet_RowsAndCounts_FromTheLatestReports()
    {
        var fleet = await GetAsync(string.Empty);

        var summary = fleet.GetProperty("summary");
        Assert.Equal((4, 2, 1, 1), (summary.GetProperty("gateways").GetInt32(), summary.GetProperty("online").GetInt32(), summary.GetProperty("offline").GetInt32(), summary.GetProperty("never").GetInt32()));
        Assert.Equal(600, summary.GetProperty("offline_after_seconds").GetInt32());
        Assert.Equal("""{"1.3.9":1,"1.4.0":2}""", summary.GetProperty("engine_versions").GetRawText());
        Assert.Equal(1, summary.GetProperty("last_command_failed").GetInt32());
        Assert.Equal(
            ["test_app 1 RUNNING 2", "test_app 2 RUNNING 1"],
            summary.GetProperty("apps").EnumerateArray().Select(a => $"{a.GetProperty("app")} {a.GetProperty("version")} {a.GetProperty("status")} {a.GetProperty("gateways")}"));

        var rows = fleet.GetProperty("gateways").EnumerateArray().ToDictionary(g => g.GetProperty("serial").GetString()!);
        Assert.Equal(["gw-bad", "gw-new", "gw-quiet", "gw-up"], rows.Keys);
        Assert.Equal(("never", "notactivated"), (rows["gw-new"].GetProperty("connectivity").GetString(), rows["gw-new"].GetProperty("status").GetString()));
        Assert.Equal("offline", rows["gw-quiet"].GetProperty("connectivity").GetString());
        var up = rows["gw-up"];
        Assert.Equal("online", up.GetProperty("connectivity").GetString());
        Assert.Equal("1.4.0", up.GetProperty("engine_version").GetString());
        Assert.Equal(87.0, up.GetProperty("disk").GetProperty("used_percent").GetDouble());
        Assert.Equal(5, up.GetProperty("gmq").GetProperty("depth").GetInt32());
        Assert.Equal("installed", up.GetProperty("last_command").GetProperty("status").GetString());
        Assert.Equal("install.sh exited 3", rows["gw-bad"].GetProperty("last_command").GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("connectivity=offline", "gw-quiet")]
    [InlineData("connectivity=never", "gw-new")]
    [InlineData("app=test_app", "gw-bad gw-quiet gw-up")]
    [InlineData("app=test_app@2", "gw-up")]
    [InlineData("failed=true", "gw-bad")]
    [InlineData("status=activated&connectivity=online", "gw-bad gw-up")]
    [InlineData("tag=site=south", "gw-new")]
    [InlineData("offline_after=86400", "gw-bad gw-new gw-quiet gw-up")]
    public async Task Fleet_Filters_KeepOnlyMatchingRows_AndCountOnlyThem(string query, string serials)
    {
        var fleet = await GetAsync(query);

        var rows = fleet.GetProperty("gateways").EnumerateArray().Select(g => g.GetProperty("serial").GetString()).ToList();
        Assert.Equal(serials, string.Join(' ', rows));
        Assert.Equal(rows.Count, fleet.GetProperty("summary").GetProperty("gateways").GetInt32());
    }

    [Fact]
    public async Task Fleet_Limit_CapsTheRowsNotTheCounts()
    {
        var fleet = await GetAsync("limit=1");

        Assert.Equal("gw-bad", Assert.Single(fleet.GetProperty("gateways").EnumerateArray()).GetProperty("serial").GetString());
        Assert.Equal(4, fleet.GetProperty("summary").GetProperty("gateways").GetInt32());
    }

    [Theory]
    [InlineData("connectivity=sideways", "connectivity must be online, offline or never, not 'sideways'")]
    [InlineData("app=@2", "app filter '@2' must be NAME or NAME@VERSION")]
    [InlineData("failed=maybe", "failed must be true or false, not 'maybe'")]
    [InlineData("status=gone", "status must be notactivated, activated or disabled, not 'gone'")]
    [InlineData("tag=site", "tag filter 'site' must look like key=value")]
    [InlineData("offline_after=0", "offline_after must be 1-2592000 seconds")]
    [InlineData("offline_after=soon", "offline_after must be 1-2592000 seconds")]
    [InlineData("limit=0", "limit must be 1-100000")]
    [InlineData("conectivity=offline", "unknown query parameter 'conectivity': use connectivity, app, failed, status, tag, offline_after, limit")]
    public async Task Fleet_BadQuery_Is400NamingIt(string query, string detail)
    {
        using var response = await _cloud.Admin.GetAsync($"api/v1/products/{_pid}/fleet?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(detail, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Fleet_UnknownProduct_Is404()
    {
        using var response = await _cloud.Admin.GetAsync("api/v1/products/nosuchproduct/fleet");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Cli_Fleet_PrintsTheSummaryAndATable_AndJsonForScripts()
    {
        var cli = OutpostCli.For(_cloud, _temp);

        var table = await cli.RunAsync("fleet", _pid);
        var json = await cli.RunAsync("fleet", _pid, "--failed", "--json");
        var bad = await cli.RunAsync("fleet", _pid, "--offline-after", "soon");

        Assert.True(table.ExitCode == 0, table.ToString());
        var lines = table.Stdout.Split('\n');
        Assert.Equal("4 gateways: 2 online, 1 offline, 1 never seen (offline after 10m without a call)", lines[0]);
        Assert.Equal("engine: 1.3.9 ×1, 1.4.0 ×2", lines[1]);
        Assert.Equal("test_app: 1 RUNNING ×2, 2 RUNNING ×1", lines[2]);
        Assert.Contains(lines, l => l.Contains("gw-bad", StringComparison.Ordinal) && l.Contains("install test_app.v2.tar.gz rolled_back: install.sh exited 3", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("gw-new", StringComparison.Ordinal) && l.Contains("never (notactivated)", StringComparison.Ordinal));
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal("gw-bad", Assert.Single(json.Json().GetProperty("gateways").EnumerateArray()).GetProperty("serial").GetString());
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("outpost: --offline-after 'soon' must be a duration such as 600, 90s, 10m, 2h or 1d (at most 30d)", Assert.Single(bad.ErrorLines));
    }

    private async Task<JsonElement> GetAsync(string query)
    {
        using var response = await _cloud.Admin.GetAsync($"api/v1/products/{_pid}/fleet?{query}");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task WriteAsync(string cik, params (string Alias, string Value)[] values)
    {
        using var client = new HttpClient { BaseAddress = _cloud.BaseAddress };
        var body = string.Join('&', values.Select(v => $"{v.Alias}={Uri.EscapeDataString(v.Value)}"));
        using var response = await client.SendAsync(DeviceHttp.Write(cik, body));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
