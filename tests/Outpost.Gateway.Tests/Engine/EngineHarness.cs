using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Device;
using Outpost.Gateway.Engine;
using Outpost.Gateway.Supervisor;
using Outpost.Gateway.Tests.Apps;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Reports;
using Outpost.Testing;
using Xunit.Abstractions;

namespace Outpost.Gateway.Tests.Engine;

/// <summary>
/// One gateway against a real cloud: a temp gwe home configured for a fresh product, and a Generic Host of our own
/// with the real <see cref="ProcessSupervisor"/> and <see cref="EngineServices.AddEngine"/> — what the daemon host does.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class EngineHarness : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;
    private IHost? _host;

    private EngineHarness(TestCloud cloud, string productId, string serial, ScratchDirectory dir, ITestOutputHelper output)
    {
        Cloud = cloud;
        ProductId = productId;
        Serial = serial;
        Dir = dir;
        Home = new GweHome(dir["home"]);
        _output = output;
    }

    public TestCloud Cloud { get; }

    public string ProductId { get; }

    public string Serial { get; }

    public ScratchDirectory Dir { get; }

    public GweHome Home { get; }

    public IServiceProvider Services => _host!.Services;

    /// <summary>A cloud, a product with the gateway template, an allowed serial, and a configured home (not started).</summary>
    public static async Task<EngineHarness> CreateAsync(ITestOutputHelper output, int updateInterval = 3600)
    {
        var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync();
        var serial = "gw-" + Guid.NewGuid().ToString("N")[..8];
        await cloud.AddDevicesAsync(pid, serial);
        var harness = new EngineHarness(cloud, pid, serial, new ScratchDirectory(), output);
        Directory.CreateDirectory(harness.Home.Path);
        await new DeviceIdentity { Vendor = pid, Model = pid, Uuid = serial, Host = cloud.BaseAddress.ToString() }.SaveAsync(harness.Home.GatewayCfg);
        await File.WriteAllTextAsync(harness.Home.EngineConf, $"[engine]\nupdate_interval = {updateInterval}\nact_retry_interval = 1\nprocess_manager = builtin\n");
        return harness;
    }

    /// <summary>Starts the engine (again, after <see cref="StopAsync"/>); <paramref name="configure"/> may add a clock or a logger first.</summary>
    public async Task StartAsync(Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(new OutputLoggerProvider(_output)).SetMinimumLevel(LogLevel.Information);
        configure?.Invoke(builder);
        builder.Services.AddEngine(Options(Home));
        _host = builder.Build();
        await _host.StartAsync();
    }

    /// <summary>The options tests run with: short polls and retries.</summary>
    public static EngineOptions Options(GweHome home) =>
        new() { Home = home, LongPollTimeout = TimeSpan.FromSeconds(5), RetryBaseDelay = TimeSpan.FromMilliseconds(200) };

    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            if (_host.Services.GetService<ProcessSupervisor>() is { } supervisor)
            {
                await supervisor.ShutdownAsync();
            }

            _host.Dispose();
            _host = null;
        }
    }

    public ISupervisor Supervisor => Services.GetRequiredService<ISupervisor>();

    /// <summary>Uploads a tarball to the product's content area under its file name.</summary>
    public async Task UploadAsync(string tarball)
    {
        using var body = new ByteArrayContent(await File.ReadAllBytesAsync(tarball));
        body.Headers.ContentType = new("application/gzip");
        using var response = await Cloud.Admin.PutAsync($"api/v1/products/{ProductId}/content/{Path.GetFileName(tarball)}", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Writes engine_fetch through the management API, as an operator does.</summary>
    public Task CommandAsync(string json) => WriteAsync(GatewayAliases.EngineFetch, json);

    public async Task WriteAsync(string alias, string value)
    {
        using var response = await Cloud.Admin.PostAsJsonAsync($"api/v1/products/{ProductId}/devices/{Serial}/values", new Dictionary<string, string> { [alias] = value });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Waits until a fetch_status in the cloud's history matches; returns it.</summary>
    public async Task<FetchStatus> WaitForStatusAsync(Func<FetchStatus, bool> match, TimeSpan? timeout = null)
    {
        FetchStatus? found = null;
        await WaitUntilAsync(async () =>
        {
            var history = await Cloud.HistoryAsync(ProductId, Serial, GatewayAliases.FetchStatus);
            found = history.Select(h => JsonSerializer.Deserialize(h.Value, ReportsJsonContext.Default.FetchStatus)!).FirstOrDefault(match);
            return found is not null;
        }, timeout ?? TimeSpan.FromSeconds(60), "fetch_status");
        return found!;
    }

    /// <summary>The newest value of an alias in the cloud, or null.</summary>
    public async Task<string?> LatestAsync(string alias) =>
        (await Cloud.HistoryAsync(ProductId, Serial, alias, limit: 1)).Select(h => h.Value).FirstOrDefault();

    /// <summary>Polls <paramref name="condition"/> every 100 ms until true or the timeout (then fails with <paramref name="what"/>).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        using var limit = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(100, limit.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"timed out after {timeout} waiting for {what}");
            }
        }
    }

    /// <summary>The supervisor's status of <paramref name="name"/>, or null.</summary>
    public async Task<ProgramStatus?> StatusAsync(string name) =>
        (await Supervisor.GetStatusAsync()).FirstOrDefault(p => p.Name == name);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Cloud.DisposeAsync();
        Dir.Dispose();
    }

    private sealed class OutputLoggerProvider(ITestOutputHelper output) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Supervisor.TestOutputLogger<object>(output);

        public void Dispose()
        {
        }
    }
}
