using Outpost.Device;
using Outpost.Gateway.Engine;

namespace Outpost.Gateway.Release;

/// <summary>
/// The gateway's own content area as a source of Gateway Engine release packages, for <c>gwe --download-latest</c>
/// (<see cref="Cli.DownloadLatestFlags"/>): the engine's identity (product, host, CIK from <c>Gateway.cfg</c>) and the
/// device SDK's content calls, which resume a broken transfer and save the file only once its sha256 matched.
/// </summary>
/// <remarks>
/// <code>
///  1. OpenAsync: Gateway.cfg must name a product and a cloud and hold a CIK (activated); else one line, nothing asked
///  2. LatestAsync: list the product's content ids; the area picks the newest package (ReleaseArea.Pick)
///  3. DownloadAsync: the SDK downloads to FILE.part and renames it to FILE after the sha256 check
/// </code>
/// Refusals are <see cref="InvalidOperationException"/>s whose message is the line to print.
/// </remarks>
internal sealed class ReleaseSource : IDisposable
{
    private readonly DeviceClient _client;
    private readonly string _product;

    private ReleaseSource(DeviceClient client, string product)
    {
        _client = client;
        _product = product;
    }

    /// <summary>The source for the gateway whose home is <paramref name="home"/>.</summary>
    public static async Task<ReleaseSource> OpenAsync(GweHome home, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(home);
        var identity = await DeviceIdentity.LoadAsync(home.GatewayCfg, cancellationToken);
        var product = identity.Model.Length > 0 ? identity.Model : identity.Vendor;
        if (product.Length == 0)
        {
            throw new InvalidOperationException($"{home.GatewayCfg} names no product, so there is no release area to look in: run gwe --set-product-id PID");
        }

        if (!Uri.TryCreate(identity.Host, UriKind.Absolute, out var host) || host.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{home.GatewayCfg} names no http(s) cloud: run gwe --set-host URL");
        }

        if (identity.Cik is not { } cik)
        {
            throw new InvalidOperationException($"not activated yet: {home.GatewayCfg} has no CIK to download with (gwe run or gwe -o activates)");
        }

        var config = EngineConfigFile.Load(home.EngineConf).TryRead(out var problem) ?? throw new InvalidOperationException(problem);
        var options = new DeviceClientOptions
        {
            Host = host,
            Cik = cik,
            Vendor = identity.Vendor.Length > 0 ? identity.Vendor : product,
            Model = product,
            UserAgent = config.EffectiveUserAgent,
        };
        return new ReleaseSource(new DeviceClient(options), product);
    }

    /// <summary>The content id of the newest package in <paramref name="area"/>.</summary>
    public async Task<string> LatestAsync(ReleaseArea area, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(area);
        var ids = await _client.ListContentAsync(cancellationToken);
        return area.Pick(ids) ?? throw new InvalidOperationException(
            $"no release package for {area.Name} in product {_product}'s content area: it holds no {ReleaseArea.PackagePrefix}VERSION{ReleaseArea.PackageSuffix}"
            + (area.IncludesPrereleases ? string.Empty : " with a stable VERSION (gmq-dev includes prereleases)")
            + $" ({ids.Count} content file(s))");
    }

    /// <summary>Downloads <paramref name="id"/> to <paramref name="destination"/> (a file path).</summary>
    public Task<DownloadResult> DownloadAsync(string id, string destination, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken) =>
        _client.DownloadContentAsync(id, destination, progress, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
