using Outpost.Gateway.Queue;
using Outpost.Gateway.Queue.Forwarding;
using Outpost.Gateway.Queue.Hosting;
using Outpost.Testing;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary>
/// What most GMQ tests start with: a real cloud (<see cref="TestCloud"/>, in-process Kestrel + SQLite), a product with the
/// string alias <c>v</c> and the device <c>dev</c> activated (<see cref="Cik"/>), optionally a <see cref="LoopbackProxy"/>
/// between GMQ and the cloud to play a bad link, and GMQ itself (<see cref="GmqInstance"/>) on its own queue file.
/// Disposed in the reverse order.
/// </summary>
internal sealed class GmqFixture : IAsyncDisposable
{
    /// <summary>The serial of the device the fixture provisions.</summary>
    public const string Serial = "dev";

    private readonly TempDirectory _directory;
    private readonly string? _cik;
    private readonly LoopbackProxy? _proxy;

    private GmqFixture(TestCloud cloud, CloudAdmin admin, string product, string? cik, LoopbackProxy? proxy, TempDirectory directory, GmqInstance gmq)
    {
        Cloud = cloud;
        Admin = admin;
        Product = product;
        _cik = cik;
        _proxy = proxy;
        _directory = directory;
        Gmq = gmq;
    }

    public TestCloud Cloud { get; }

    public CloudAdmin Admin { get; }

    /// <summary>The product: string alias <c>v</c>, plus whatever the test's <c>product</c> step added.</summary>
    public string Product { get; }

    /// <summary>The CIK of <see cref="Serial"/> (not set when started with <c>activate: false</c>: only allowed then).</summary>
    public string Cik => _cik ?? throw new InvalidOperationException("started with activate: false: the device has no CIK");

    /// <summary>The proxy GMQ reaches the cloud through (not set unless started with one).</summary>
    public LoopbackProxy Proxy => _proxy ?? throw new InvalidOperationException("started without a proxy");

    public GmqInstance Gmq { get; }

    /// <summary>An HttpClient on GMQ's local API.</summary>
    public HttpClient Http => Gmq.Http;

    public Uri Address => Gmq.Address;

    public MessageQueue Queue => Gmq.Queue;

    public CloudLink Link => Gmq.Link;

    /// <summary>Starts it all.</summary>
    /// <param name="proxy">Put a <see cref="LoopbackProxy"/> between GMQ and the cloud (implied by the next two).</param>
    /// <param name="cloudDown">The proxy starts down: the cloud looks unreachable until <c>Proxy.Down = false</c>.</param>
    /// <param name="cutBatchReplies">Batch replies the proxy cuts (the cloud committed, GMQ never hears it).</param>
    /// <param name="product">More setup of the product (aliases, limits) before the device is provisioned.</param>
    /// <param name="activate">Activate <see cref="Serial"/> (else it is only allowed, for GMQ or the test to activate).</param>
    /// <param name="options">Changes to GMQ's test options (<see cref="GmqInstance.Options"/>).</param>
    public static async Task<GmqFixture> StartAsync(
        bool proxy = false,
        bool cloudDown = false,
        int cutBatchReplies = 0,
        Func<CloudAdmin, string, Task>? product = null,
        bool activate = true,
        Func<GmqOptions, GmqOptions>? options = null)
    {
        var cloud = await TestCloud.StartAsync();
        CloudAdmin? admin = null;
        LoopbackProxy? loopback = null;
        TempDirectory? directory = null;
        try
        {
            admin = new CloudAdmin(cloud.BaseAddress, cloud.AdminToken);
            var id = await admin.CreateProductAsync("v");
            if (product is not null)
            {
                await product(admin, id);
            }

            string? cik = null;
            if (activate)
            {
                cik = await admin.ProvisionAsync(id, Serial);
            }
            else
            {
                await admin.AllowAsync(id, Serial);
            }

            if (proxy || cloudDown || cutBatchReplies > 0)
            {
                loopback = new LoopbackProxy(cloud.BaseAddress) { Down = cloudDown, CutBatchReplies = cutBatchReplies };
            }

            directory = new TempDirectory("outpost-gmq");
            var gmq = await GmqInstance.StartAsync(loopback?.BaseAddress ?? cloud.BaseAddress, directory.Path, options);
            return new GmqFixture(cloud, admin, id, cik, loopback, directory, gmq);
        }
        catch
        {
            directory?.Dispose();
            if (loopback is not null)
            {
                await loopback.DisposeAsync();
            }

            admin?.Dispose();
            await cloud.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Gmq.DisposeAsync();
        _directory.Dispose();
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        Admin.Dispose();
        await Cloud.DisposeAsync();
    }
}
