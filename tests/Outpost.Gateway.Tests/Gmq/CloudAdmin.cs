using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary>The few management calls the GMQ tests need, against any cloud (in-process or <c>outpost serve</c>).</summary>
internal sealed class CloudAdmin : IDisposable
{
    private readonly HttpClient _admin;

    public CloudAdmin(Uri baseAddress, string adminToken)
    {
        BaseAddress = baseAddress;
        _admin = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
    }

    public Uri BaseAddress { get; }

    /// <summary>A product with fresh id and the given string aliases.</summary>
    public async Task<string> CreateProductAsync(params string[] aliases)
    {
        var id = "p" + Guid.NewGuid().ToString("N")[..15];
        await EnsureAsync(await _admin.PostAsJsonAsync("api/v1/products", new { name = "Test " + id, id, template = "gateway", provisioning = "allowlist" }));
        foreach (var alias in aliases)
        {
            await EnsureAsync(await _admin.PostAsJsonAsync($"api/v1/products/{id}/aliases", new { alias, format = "string", settable = true }));
        }

        return id;
    }

    /// <summary>Adds a number alias (values that are not numbers are refused by the cloud).</summary>
    public async Task AddNumberAliasAsync(string productId, string alias) =>
        await EnsureAsync(await _admin.PostAsJsonAsync($"api/v1/products/{productId}/aliases", new { alias, format = "number", settable = false }));

    /// <summary>Sets a product's per-device write limit (a token bucket: <paramref name="perSecond"/>, <paramref name="burst"/>).</summary>
    public async Task SetWriteLimitAsync(string productId, double perSecond, int burst) =>
        await EnsureAsync(await _admin.PatchAsJsonAsync($"api/v1/products/{productId}", new { write_limit = new { per_second = perSecond, burst } }));

    public async Task AllowAsync(string productId, params string[] serials) =>
        await EnsureAsync(await _admin.PostAsJsonAsync($"api/v1/products/{productId}/devices", new { serials }));

    /// <summary>Disables a device (its CIK stops working), then re-enables it: it may activate again, for a new CIK.</summary>
    public async Task DisableThenEnableAsync(string productId, string serial)
    {
        await EnsureAsync(await _admin.PostAsync($"api/v1/products/{productId}/devices/{Uri.EscapeDataString(serial)}/disable", null));
        await EnsureAsync(await _admin.PostAsync($"api/v1/products/{productId}/devices/{Uri.EscapeDataString(serial)}/enable", null));
    }

    /// <summary>Allows and activates a serial; returns its CIK.</summary>
    public async Task<string> ProvisionAsync(string productId, string serial)
    {
        await AllowAsync(productId, serial);
        using var client = new HttpClient { BaseAddress = BaseAddress };
        using var body = new StringContent($"vendor={productId}&model={productId}&sn={Uri.EscapeDataString(serial)}", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await client.PostAsync("provision/activate", body);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? text : throw new HttpRequestException($"{(int)response.StatusCode}: {text}");
    }

    /// <summary>A device's history of one alias, oldest first.</summary>
    public async Task<IReadOnlyList<(long Ts, string Value)>> HistoryAsync(string productId, string serial, string alias)
    {
        using var response = await _admin.GetAsync($"api/v1/products/{productId}/devices/{Uri.EscapeDataString(serial)}/values/{alias}/history?limit=1000000");
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode}: {text}");
        }

        using var doc = JsonDocument.Parse(text);
        var list = doc.RootElement.EnumerateArray().Select(e => (e.GetProperty("ts").GetInt64(), e.GetProperty("value").GetString()!)).ToList();
        list.Reverse();
        return list;
    }

    public void Dispose() => _admin.Dispose();

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
    }
}
