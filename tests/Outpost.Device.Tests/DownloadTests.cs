using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Outpost.Testing;

namespace Outpost.Device.Tests;

/// <summary>
/// Content downloads from a real cloud, through a loopback proxy that can break the connection mid-file or lie about
/// the sha256: the cloud's own Range handling serves the resume.
/// </summary>
public sealed class DownloadTests
{
    private static readonly HttpClient Upstream = new();

    [Fact]
    public async Task ListAndInfo_DescribeUploadedContent()
    {
        await using var cloud = await TestCloud.StartAsync();
        var (product, _, client) = await Clients.ProvisionedAsync(cloud);
        using var _c = client;
        var bytes = await UploadAsync(cloud, product, "test_app.v1.tar.gz", 1000);

        var ids = await client.ListContentAsync();
        var info = await client.ContentInfoAsync("test_app.v1.tar.gz");
        var missing = await client.ContentInfoAsync("nope.tar.gz");

        Assert.Contains("test_app.v1.tar.gz", ids);
        Assert.NotNull(info);
        Assert.Equal(bytes.Length, info.Size);
        Assert.Null(missing);
    }

    [Fact]
    public async Task DownloadContentAsync_WholeFile_VerifiesAndReportsProgress()
    {
        await using var cloud = await TestCloud.StartAsync();
        var (product, _, client) = await Clients.ProvisionedAsync(cloud);
        using var _c = client;
        var bytes = await UploadAsync(cloud, product, "app.v1.tar.gz", 200_000);
        using var dir = new TempDirectory();
        var reports = new List<DownloadProgress>();

        var result = await client.DownloadContentAsync("app.v1.tar.gz", dir.Combine("app.v1.tar.gz"), new SyncProgress(reports.Add));

        Assert.Equal(bytes, await File.ReadAllBytesAsync(result.Path));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), result.Sha256);
        Assert.Equal(1, result.Attempts);
        Assert.Equal(new DownloadProgress(bytes.Length, bytes.Length), reports[^1]);
        Assert.False(File.Exists(result.Path + ".part"));
        Assert.True(client.Bandwidth.Snapshot()["download:app.v1.tar.gz"].BytesReceived >= bytes.Length);
    }

    [Fact]
    public async Task DownloadContentAsync_ConnectionDroppedMidFile_ResumesWithRange()
    {
        await using var cloud = await TestCloud.StartAsync();
        var (product, _, client) = await Clients.ProvisionedAsync(cloud);
        using var _c = client;
        var bytes = await UploadAsync(cloud, product, "big.v2.tar.gz", 300_000);
        var ranges = new List<string?>();
        await using var proxy = await LoopbackServer.StartAsync(context => ForwardAsync(context, cloud, ranges, dropAfter: ranges.Count == 0 ? 100_000 : null));
        using var viaProxy = new DeviceClient(Clients.Options(proxy.BaseAddress, client.Cik, product));
        using var dir = new TempDirectory();

        var result = await viaProxy.DownloadContentAsync("big.v2.tar.gz", dir.Combine("out", "big.v2.tar.gz"));

        Assert.Equal(2, result.Attempts);
        Assert.Null(ranges[0]);
        Assert.Matches("^bytes=[1-9][0-9]*-$", ranges[1]);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(result.Path));
        Assert.False(File.Exists(result.Path + ".part"));
    }

    [Fact]
    public async Task DownloadContentAsync_LeftoverPartFile_ResumesFromIt()
    {
        await using var cloud = await TestCloud.StartAsync();
        var (product, _, client) = await Clients.ProvisionedAsync(cloud);
        using var _c = client;
        var bytes = await UploadAsync(cloud, product, "resume.tar.gz", 50_000);
        var ranges = new List<string?>();
        await using var proxy = await LoopbackServer.StartAsync(context => ForwardAsync(context, cloud, ranges, dropAfter: null));
        using var viaProxy = new DeviceClient(Clients.Options(proxy.BaseAddress, client.Cik, product));
        using var dir = new TempDirectory();
        var target = dir.Combine("resume.tar.gz");
        await File.WriteAllBytesAsync(target + ".part", bytes[..12_345]);

        var result = await viaProxy.DownloadContentAsync("resume.tar.gz", target);

        Assert.Equal(["bytes=12345-"], ranges);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(result.Path));
    }

    [Fact]
    public async Task DownloadContentAsync_Sha256Mismatch_LeavesNoFile()
    {
        await using var cloud = await TestCloud.StartAsync();
        var (product, _, client) = await Clients.ProvisionedAsync(cloud);
        using var _c = client;
        await UploadAsync(cloud, product, "evil.tar.gz", 10_000);
        await using var proxy = await LoopbackServer.StartAsync(context => ForwardAsync(context, cloud, [], dropAfter: null, fakeSha: new string('0', 64)));
        using var viaProxy = new DeviceClient(Clients.Options(proxy.BaseAddress, client.Cik, product));
        using var dir = new TempDirectory();
        var target = dir.Combine("evil.tar.gz");

        var error = await Assert.ThrowsAsync<DeviceApiException>(() => viaProxy.DownloadContentAsync("evil.tar.gz", target));

        Assert.Equal(DeviceErrorKind.Integrity, error.Kind);
        Assert.False(File.Exists(target));
        Assert.False(File.Exists(target + ".part"));
    }

    [Fact]
    public async Task DownloadContentAsync_UnknownContent_IsRejectedWithoutRetry()
    {
        await using var cloud = await TestCloud.StartAsync();
        var (_, _, client) = await Clients.ProvisionedAsync(cloud);
        using var _c = client;
        using var dir = new TempDirectory();

        var error = await Assert.ThrowsAsync<DeviceApiException>(() => client.DownloadContentAsync("absent.tar.gz", dir.Combine("absent.tar.gz")));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal(1, client.Bandwidth.Snapshot()["download:absent.tar.gz"].Requests);
    }

    private static async Task<byte[]> UploadAsync(TestCloud cloud, string product, string id, int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        using var response = await cloud.Admin.PutAsync($"api/v1/products/{product}/content/{id}", content);
        response.EnsureSuccessStatusCode();
        return bytes;
    }

    /// <summary>Forwards one request to the cloud; optionally cuts the body after some bytes, or replaces the sha256 header.</summary>
    private static async Task ForwardAsync(HttpContext context, TestCloud cloud, List<string?> ranges, int? dropAfter, string? fakeSha = null)
    {
        var range = context.Request.Headers.Range.FirstOrDefault();
        lock (ranges)
        {
            ranges.Add(range);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(cloud.BaseAddress, context.Request.Path.Value + context.Request.QueryString.Value));
        request.Headers.TryAddWithoutValidation("X-Exosite-CIK", context.Request.Headers["X-Exosite-CIK"].ToString());
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        using var response = await Upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (header.Key is not ("Transfer-Encoding" or "Date" or "Server"))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        if (fakeSha is not null)
        {
            context.Response.Headers["X-Content-SHA256"] = fakeSha;
        }

        var body = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        if (dropAfter is { } cut && cut < body.Length)
        {
            await context.Response.Body.WriteAsync(body.AsMemory(0, cut), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private sealed class SyncProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
