using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outpost.Cloud;
using Outpost.Cloud.Hosting;

namespace Outpost.Testing;

/// <summary>
/// A real Outpost cloud node for tests: Kestrel on a free loopback port, a SQLite store in a temp directory of
/// its own, and an admin token. Each test that starts one owns its data, so tests run in parallel.
/// </summary>
public sealed class TestCloud : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory? _ownedDirectory;

    private TestCloud(WebApplication app, TempDirectory? ownedDirectory, string dataDirectory, string adminToken)
    {
        _app = app;
        _ownedDirectory = ownedDirectory;
        DataDirectory = dataDirectory;
        AdminToken = adminToken;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        Admin = new HttpClient { BaseAddress = BaseAddress };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
    }

    public Uri BaseAddress { get; }

    public string AdminToken { get; }

    public string DataDirectory { get; }

    /// <summary>An HttpClient carrying the admin token.</summary>
    public HttpClient Admin { get; }

    /// <summary>The host's services, for tests of the cloud's own internals.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a node; <paramref name="dataDirectory"/> reuses a store (restart tests), otherwise a new temp one;
    /// <paramref name="configure"/> adds services (a test's own event consumer, say); <paramref name="maxClockSkew"/> sets
    /// how far ahead of the clock a value may be stamped (else the default).</summary>
    public static async Task<TestCloud> StartAsync(
        string? dataDirectory = null,
        TimeProvider? clock = null,
        Action<IServiceCollection>? configure = null,
        CancellationToken cancellationToken = default,
        TimeSpan? maxClockSkew = null)
    {
        var owned = dataDirectory is null ? new TempDirectory("outpost-cloud") : null;
        var data = dataDirectory ?? owned!.Path;
        var token = "opt_test_" + Guid.NewGuid().ToString("N");
        var settings = new CloudOptions { Urls = "http://127.0.0.1:0", DataDirectory = data, AdminToken = token };
        settings = maxClockSkew is { } skew ? settings with { MaxClockSkew = skew } : settings;
        var app = CloudHost.Build(settings, clock, logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Warning), configure);
        await CloudHost.InitializeAsync(app, cancellationToken);
        await app.StartAsync(cancellationToken);
        return new TestCloud(app, owned, data, token);
    }

    /// <summary>Creates a product (gateway template by default) with a fresh id.</summary>
    public async Task<string> CreateProductAsync(string template = "gateway", string provisioning = "allowlist", CancellationToken cancellationToken = default)
    {
        var id = "p" + Guid.NewGuid().ToString("N")[..15];
        using var response = await Admin.PostAsJsonAsync("api/v1/products", new { name = "Test " + id, id, template, provisioning }, cancellationToken);
        await EnsureAsync(response, cancellationToken);
        return id;
    }

    /// <summary>Adds serials to a product's allowlist.</summary>
    public async Task AddDevicesAsync(string productId, params string[] serials)
    {
        using var response = await Admin.PostAsJsonAsync($"api/v1/products/{productId}/devices", new { serials });
        await EnsureAsync(response, CancellationToken.None);
    }

    /// <summary>Activates a serial through the device API; returns its CIK.</summary>
    public async Task<string> ActivateAsync(string productId, string serial, CancellationToken cancellationToken = default)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        using var body = new StringContent($"vendor={productId}&model={productId}&sn={Uri.EscapeDataString(serial)}", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await client.PostAsync("provision/activate", body, cancellationToken);
        await EnsureAsync(response, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>Adds a serial and activates it: a device ready to use the device API.</summary>
    public async Task<string> ProvisionAsync(string productId, string serial)
    {
        await AddDevicesAsync(productId, serial);
        return await ActivateAsync(productId, serial);
    }

    /// <summary>Adds an alias to a product.</summary>
    public async Task AddAliasAsync(string productId, string alias, string format = "string", bool settable = true)
    {
        using var response = await Admin.PostAsJsonAsync($"api/v1/products/{productId}/aliases", new { alias, format, settable });
        await EnsureAsync(response, CancellationToken.None);
    }

    /// <summary>Reads a device's history of one alias through the management API, newest first.</summary>
    public async Task<IReadOnlyList<(long Ts, string Value)>> HistoryAsync(string productId, string serial, string alias, int limit = 1_000_000)
    {
        using var response = await Admin.GetAsync($"api/v1/products/{productId}/devices/{Uri.EscapeDataString(serial)}/values/{alias}/history?limit={limit}");
        await EnsureAsync(response, CancellationToken.None);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.EnumerateArray().Select(e => (e.GetProperty("ts").GetInt64(), e.GetProperty("value").GetString()!)).ToList();
    }

    /// <summary>
    /// Completes once a device long poll on <paramref name="alias"/> waits in this node, so a write after it must wake
    /// it (a write that came first would answer the poll at once and prove nothing about waking); throws if
    /// <paramref name="poll"/> answered before it ever waited.
    /// </summary>
    public async Task UntilLongPollWaitsAsync(string alias, Task poll, CancellationToken cancellationToken = default)
    {
        var notifier = (Outpost.Cloud.Stream.InProcessChangeNotifier)Services.GetRequiredService<Outpost.Cloud.Stream.IChangeNotifier>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (!notifier.IsAwaited(alias))
        {
            if (poll.IsCompleted)
            {
                throw new InvalidOperationException($"the long poll on {alias} answered before anything was written");
            }

            // The notifier raises no event for a new waiter (it sits on the write path): a short look at its state.
            await Task.Delay(5, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _ownedDirectory?.Dispose();
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase}: {text}");
        }
    }
}
