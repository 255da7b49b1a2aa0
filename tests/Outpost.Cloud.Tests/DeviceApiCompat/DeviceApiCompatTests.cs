using System.Text.RegularExpressions;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.DeviceApiCompat;

/// <summary>
/// The details real Exosite clients depend on (DEVICE-API.md), spoken over raw sockets, never HttpClient:
/// one send, one recv(1024), close.
/// </summary>
public sealed partial class DeviceApiCompatTests : IAsyncLifetime
{
    private const string Serial = "AF:14:B9:00:50:2C";
    private TestCloud _cloud = null!;
    private string _pid = null!;

    public async Task InitializeAsync()
    {
        _cloud = await TestCloud.StartAsync();
        _pid = await _cloud.CreateProductAsync();
        await _cloud.AddDevicesAsync(_pid, Serial, "second", "third");
    }

    public async Task DisposeAsync() => await _cloud.DisposeAsync();

    [Fact]
    public async Task Activate_RawColonSerial_EmptyCikHeader_LowerCaseUnspacedLength_AnswersExactlyTheCikInOneRead()
    {
        var body = $"vendor={_pid}&model={_pid}&sn={Serial}";
        var request = $"POST /provision/activate HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Exosite-CIK:\r\ncontent-length:{body.Length}\r\n"
            + $"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n\r\n{body}";
        var response = await EmbeddedClient.CallAsync(_cloud.BaseAddress, request);

        Assert.Equal(200, response.Status);
        Assert.True(response.Complete, "the activation response did not arrive in one read");
        Assert.Matches("^[0-9a-f]{40}$", response.Text);
        Assert.Equal("text/plain; charset=utf-8", response.Headers["content-type"]);
        Assert.Equal("40", response.Headers["content-length"]);
    }

    [Fact]
    public async Task Activate_ByHostPrefix_WithIdField()
    {
        var body = "id=second";
        var request = $"POST /provision/activate HTTP/1.1\r\nHost: {_pid}.example.test\r\nContent-Length: {body.Length}\r\n\r\n{body}";
        var response = await EmbeddedClient.CallAsync(_cloud.BaseAddress, request);
        Assert.Equal(200, response.Status);
        Assert.Matches("^[0-9a-f]{40}$", response.Text);
    }

    [Fact]
    public async Task UpperCaseHeaderNames_OddSpacing_ConnectionClose_Work()
    {
        var cik = await _cloud.ActivateAsync(_pid, Serial);
        var write = await EmbeddedClient.CallAsync(_cloud.BaseAddress,
            $"POST /onep:v1/stack/alias HTTP/1.1\r\nHOST: 127.0.0.1\r\nX-EXOSITE-CIK: {cik}\r\nCONTENT-LENGTH:14\r\nConnection: Close \r\n\r\ndevice_info=hi");
        Assert.Equal(204, write.Status);

        var read = await EmbeddedClient.CallAsync(_cloud.BaseAddress, EmbeddedClient.Get("/onep:v1/stack/alias?device_info", $"x-exosite-cik:{cik}"));
        Assert.Equal("device_info=hi", read.Text);
    }

    [Fact]
    public async Task AcceptStar_OrNoAccept_IsNever406()
    {
        var cik = await _cloud.ActivateAsync(_pid, Serial);
        foreach (var accept in new[] { "Accept: *", "Accept: */*", "Accept: text/html", null })
        {
            string[] headers = accept is null ? [$"X-Exosite-CIK: {cik}"] : [$"X-Exosite-CIK: {cik}", accept];
            var response = await EmbeddedClient.CallAsync(_cloud.BaseAddress, EmbeddedClient.Get("/onep:v1/stack/alias?device_info", headers));
            Assert.Equal(204, response.Status);
        }
    }

    [Fact]
    public async Task EverySmallResponse_ArrivesWholeInOneRead()
    {
        var cik = await _cloud.ActivateAsync(_pid, Serial);
        string[] requests =
        [
            EmbeddedClient.Post("/onep:v1/stack/alias", "device_info=" + new string('x', 700), $"X-Exosite-CIK: {cik}"),
            EmbeddedClient.Get("/onep:v1/stack/alias?device_info", $"X-Exosite-CIK: {cik}"),
            EmbeddedClient.Post("/onep:v1/stack/alias?device_info", "usage_report=1", $"X-Exosite-CIK: {cik}"),
            EmbeddedClient.Get("/timestamp"),
            EmbeddedClient.Post("/onep:v1/stack/record", "alias=usage_report&1700000000=a", $"X-Exosite-CIK: {cik}"),
            EmbeddedClient.Get("/onep:v1/stack/alias?device_info", "X-Exosite-CIK: 0000000000000000000000000000000000000000"),
            EmbeddedClient.Post("/onep:v1/stack/alias", "nosuch=1", $"X-Exosite-CIK: {cik}"),
            EmbeddedClient.Post("/provision/activate", $"vendor={_pid}&model={_pid}&sn=unknown"),
            EmbeddedClient.Post("/provision/activate", $"vendor={_pid}&model={_pid}&sn={Serial}"),
            EmbeddedClient.Get($"/provision/download?vendor={_pid}&model={_pid}", $"X-Exosite-CIK: {cik}"),
            EmbeddedClient.Get("/no/such/path"),
        ];
        int[] expected = [204, 200, 200, 200, 204, 401, 400, 404, 409, 200, 404];
        for (var i = 0; i < requests.Length; i++)
        {
            var response = await EmbeddedClient.CallAsync(_cloud.BaseAddress, requests[i]);
            Assert.Equal(expected[i], response.Status);
            Assert.True(response.Complete, $"request {i} ({response.Status}) did not arrive whole in one read");
            Assert.True(response.BytesReceived <= 1024);
        }
    }

    [Fact]
    public async Task Http11WithoutConnectionHeader_ClientThatClosesAfterOneRead_DoesNotDisturbTheServer()
    {
        var cik = await _cloud.ActivateAsync(_pid, Serial);
        for (var i = 0; i < 20; i++)
        {
            var response = await EmbeddedClient.CallAsync(_cloud.BaseAddress,
                EmbeddedClient.Post("/onep:v1/stack/alias", $"usage_report={i}", $"X-Exosite-CIK: {cik}"));
            Assert.Equal(204, response.Status);
        }

        var read = await EmbeddedClient.CallAsync(_cloud.BaseAddress, EmbeddedClient.Get("/onep:v1/stack/alias?usage_report", $"X-Exosite-CIK: {cik}"));
        Assert.Equal("usage_report=19", read.Text);
    }

    [Fact]
    public async Task Http10Client_IsServed()
    {
        var response = await EmbeddedClient.CallAsync(_cloud.BaseAddress, "GET /timestamp HTTP/1.0\r\n\r\n");
        Assert.Equal(200, response.Status);
        Assert.Matches("^[0-9]{10}$", response.Text);
    }

    [Theory]
    [InlineData("epoch")]
    [InlineData("http-date")]
    public async Task LongPoll_IfModifiedSinceAsEpochOrHttpDate_LastModifiedIsAnHttpDate(string form)
    {
        var cik = await _cloud.ActivateAsync(_pid, Serial);
        await EmbeddedClient.CallAsync(_cloud.BaseAddress, EmbeddedClient.Post("/onep:v1/stack/alias", "device_info=v1", $"X-Exosite-CIK: {cik}"));
        var since = form == "epoch" ? "1500000000" : "Fri, 14 Jul 2017 02:40:00 GMT";
        var response = await EmbeddedClient.CallAsync(_cloud.BaseAddress, EmbeddedClient.Get("/onep:v1/stack/alias?device_info",
            $"X-Exosite-CIK: {cik}", "Request-Timeout: 30000", $"If-Modified-Since: {since}"));
        Assert.Equal(200, response.Status);
        Assert.Equal("device_info=v1", response.Text);
        Assert.Matches(HttpDate(), response.Headers["last-modified"]);
    }

    [Fact]
    public async Task ContentSuffixRange_IsServedAs206()
    {
        var cik = await _cloud.ActivateAsync(_pid, Serial);
        (await _cloud.Admin.PutAsync($"api/v1/products/{_pid}/content/fw.bin", new ByteArrayContent("0123456789"u8.ToArray()))).EnsureSuccessStatusCode();
        var response = await EmbeddedClient.CallAsync(_cloud.BaseAddress,
            EmbeddedClient.Get($"/provision/download?vendor={_pid}&model={_pid}&id=fw.bin", $"X-Exosite-CIK: {cik}", "Range: bytes=-4"));
        Assert.Equal(206, response.Status);
        Assert.Equal("6789", response.Text);
        Assert.Equal("bytes 6-9/10", response.Headers["content-range"]);
        Assert.DoesNotContain("charset", response.Headers["content-type"], StringComparison.Ordinal);
    }

    [GeneratedRegex("^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$")]
    private static partial Regex HttpDate();
}
