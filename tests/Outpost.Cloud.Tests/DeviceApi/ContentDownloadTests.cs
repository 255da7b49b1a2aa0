using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.DeviceApi;

public sealed class ContentDownloadTests : IAsyncLifetime
{
    private readonly byte[] _bytes = RandomNumberGenerator.GetBytes(100_000);
    private TestCloud _cloud = null!;
    private HttpClient _client = null!;
    private string _pid = null!;
    private string _cik = null!;

    public async Task InitializeAsync()
    {
        _cloud = await TestCloud.StartAsync();
        _pid = await _cloud.CreateProductAsync();
        _cik = await _cloud.ProvisionAsync(_pid, "gw-1");
        _client = new HttpClient { BaseAddress = _cloud.BaseAddress };
        _client.DefaultRequestHeaders.Add("X-Exosite-CIK", _cik);
        using var upload = new ByteArrayContent(_bytes);
        upload.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        (await _cloud.Admin.PutAsync($"api/v1/products/{_pid}/content/test_app.v1.tar.gz?meta=first%20build", upload)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _cloud.DisposeAsync();
    }

    [Fact]
    public async Task List_IsOneIdPerLine()
    {
        using var response = await _client.GetAsync($"/provision/download?vendor={_pid}&model={_pid}");
        Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("test_app.v1.tar.gz\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Info_IsTypeSizeUpdatedMeta()
    {
        var info = await _client.GetStringAsync($"/provision/download?vendor={_pid}&model={_pid}&id=test_app.v1.tar.gz&info=true");
        var parts = info.Split(',');
        Assert.Equal("application/gzip", parts[0]);
        Assert.Equal("100000", parts[1]);
        Assert.Matches("^[0-9]{10}$", parts[2]);
        Assert.Equal("first build", parts[3]);
    }

    [Fact]
    public async Task Get_ReturnsTheBytes_WithTheirTypeAndSha256()
    {
        using var response = await _client.GetAsync($"/provision/download?vendor={_pid}&model={_pid}&id=test_app.v1.tar.gz");
        Assert.Equal(_bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/gzip", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(_bytes)), response.Headers.GetValues("X-Content-SHA256").Single());
    }

    [Theory]
    [InlineData("bytes=10-19", 10, 10)]
    [InlineData("bytes=99990-", 99990, 10)]
    [InlineData("bytes=-7", 99993, 7)]
    public async Task Get_WithRange_Is206WithContentRange(string range, int from, int length)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/provision/download?vendor={_pid}&model={_pid}&id=test_app.v1.tar.gz");
        request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(_bytes.AsSpan(from, length).ToArray(), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes {from}-{from + length - 1}/100000", response.Content.Headers.ContentRange!.ToString());
    }

    [Theory]
    [InlineData(true, "")]
    [InlineData(true, "&id=test_app.v1.tar.gz")]
    [InlineData(false, "")]
    public async Task AnotherProductsContent_IsNotFound_SayingItIsNotThisDevicesProduct_WhetherOrNotItExists(bool exists, string query)
    {
        var other = exists ? await _cloud.CreateProductAsync() : "otherproduct1";
        if (exists)
        {
            using var upload = new ByteArrayContent(_bytes);
            (await _cloud.Admin.PutAsync($"api/v1/products/{other}/content/test_app.v1.tar.gz", upload)).EnsureSuccessStatusCode();
        }

        using var response = await _client.GetAsync($"/provision/download?vendor={other}&model={other}{query}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal($"product {other} is not this device's product ({_pid}): a device sees only its own product's content", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("nosuch.tar.gz")]
    [InlineData("..%2Foutpost.db")]
    [InlineData("../../outpost.db")]
    public async Task UnknownOrHostileIds_AreNotFound(string id)
    {
        using var response = await _client.GetAsync($"/provision/download?vendor={_pid}&model={_pid}&id={id}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
