using System.Net.Http.Json;
using System.Text.Json;
using Outpost.Gateway.Tests.Engine;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Reports;
using Outpost.Testing;

namespace Outpost.Gateway.Tests.Daemon;

/// <summary>One gateway's side of a real cloud, as an operator drives it: a product with the gateway template, an
/// allowed serial, its content area, engine_fetch writes and the fetch_status history.</summary>
internal sealed record CloudGateway(TestCloud Cloud, string ProductId, string Serial)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>A new product and an allowed (not yet activated) serial.</summary>
    public static async Task<CloudGateway> CreateAsync(TestCloud cloud)
    {
        var pid = await cloud.CreateProductAsync();
        var serial = "gw-" + Guid.NewGuid().ToString("N")[..8];
        await cloud.AddDevicesAsync(pid, serial);
        return new CloudGateway(cloud, pid, serial);
    }

    /// <summary>Uploads a tarball to the product's content area under its file name.</summary>
    public async Task UploadAsync(string tarball)
    {
        using var body = new ByteArrayContent(await File.ReadAllBytesAsync(tarball));
        body.Headers.ContentType = new("application/gzip");
        using var response = await Cloud.Admin.PutAsync($"api/v1/products/{ProductId}/content/{Path.GetFileName(tarball)}", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Writes engine_fetch through the management API.</summary>
    public async Task CommandAsync(string json)
    {
        using var response = await Cloud.Admin.PostAsJsonAsync(
            $"api/v1/products/{ProductId}/devices/{Serial}/values", new Dictionary<string, string> { [GatewayAliases.EngineFetch] = json });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Every fetch_status the gateway wrote, newest first.</summary>
    public async Task<List<FetchStatus>> StatusesAsync() =>
        (await Cloud.HistoryAsync(ProductId, Serial, GatewayAliases.FetchStatus))
            .Select(h => JsonSerializer.Deserialize(h.Value, ReportsJsonContext.Default.FetchStatus)!)
            .ToList();

    /// <summary>Waits for the fetch_status of command <paramref name="id"/>; <paramref name="context"/> goes into the failure.</summary>
    public async Task<FetchStatus> WaitForStatusAsync(string id, Func<string> context)
    {
        FetchStatus? found = null;
        await EngineHarness.WaitUntilAsync(
            async () => (found = (await StatusesAsync()).FirstOrDefault(s => s.Id == id)) is not null,
            Patience,
            $"fetch_status {id}\n{context()}");
        return found!;
    }

    /// <summary>The newest engine_report, or null.</summary>
    public async Task<EngineReport?> LatestEngineReportAsync() =>
        (await Cloud.HistoryAsync(ProductId, Serial, GatewayAliases.EngineReport, limit: 1)).FirstOrDefault() is { Value: { } json }
            ? JsonSerializer.Deserialize(json, ReportsJsonContext.Default.EngineReport)
            : null;
}
