using System.CommandLine;
using System.Globalization;
using Outpost.Device;

namespace Outpost.Gdc;

/// <summary>
/// Who the device is and where the cloud is, resolved from (highest first) flags, <c>GDC_*</c> environment variables,
/// and the <c>--cfg</c> identity file.
/// </summary>
internal sealed record GdcSettings(
    Uri? Host,
    string? Cik,
    string? Vendor,
    string? Model,
    string? Serial,
    string? CfgPath,
    DeviceIdentity Identity,
    int Retries,
    TimeSpan RequestTimeout,
    bool Json)
{
    public static async Task<GdcSettings> ResolveAsync(ParseResult parse, GlobalOptions options, CancellationToken cancellationToken)
    {
        var cfg = Pick(parse.GetValue(options.Cfg), "GDC_CFG", null);
        if (cfg is not null && !File.Exists(cfg))
        {
            throw new UsageException($"identity file {cfg} does not exist");
        }

        var identity = cfg is null ? new DeviceIdentity() : await DeviceIdentity.LoadAsync(cfg, cancellationToken);
        var hostText = Pick(parse.GetValue(options.Host), "GDC_HOST", identity.Host);
        Uri? host = null;
        if (hostText is not null && (!Uri.TryCreate(hostText, UriKind.Absolute, out host) || (host.Scheme != Uri.UriSchemeHttp && host.Scheme != Uri.UriSchemeHttps)))
        {
            throw new UsageException($"host '{hostText}' is not an http(s) URL");
        }

        var cik = Pick(parse.GetValue(options.Cik), "GDC_CIK", identity.Cik);
        if (cik is not null && !DeviceIdentity.IsCik(cik))
        {
            throw new UsageException("a CIK is 40 hex characters");
        }

        if (cik is null && identity.CikMalformed)
        {
            // DeviceIdentity drops a malformed CIK; saying "no CIK" sent people looking for a file that has one.
            throw new UsageException($"{cfg}: cik is malformed: a CIK is 40 hex characters (or '' before activation)");
        }

        var retriesText = Environment.GetEnvironmentVariable("GDC_RETRIES");
        var retries = parse.GetValue(options.Retries)
            ?? (int.TryParse(retriesText, NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : 4);
        if (retries is < 0 or > 100)
        {
            throw new UsageException("--retries must be 0 to 100");
        }

        var timeout = parse.GetValue(options.RequestTimeout) ?? 30;
        if (timeout is <= 0 or > 3600)
        {
            throw new UsageException("--request-timeout must be more than 0 and at most 3600 seconds");
        }

        return new GdcSettings(
            host,
            cik,
            Pick(parse.GetValue(options.Vendor), "GDC_VENDOR", identity.Vendor),
            Pick(parse.GetValue(options.Model), "GDC_MODEL", identity.Model),
            Pick(parse.GetValue(options.Serial), "GDC_SERIAL", null) ?? identity.ResolveSerial(),
            cfg,
            identity,
            retries,
            TimeSpan.FromSeconds(timeout),
            parse.GetValue(options.Json));
    }

    /// <summary>The product id: model, else vendor.</summary>
    public string? ProductId => Model ?? Vendor;

    public DeviceClient CreateClient(string? cikOverride = null)
    {
        var host = Host ?? throw new UsageException("no cloud host: pass --host, set GDC_HOST, or put host = … in the --cfg file");
        return new DeviceClient(new DeviceClientOptions
        {
            Host = host,
            Cik = cikOverride ?? Cik,
            Vendor = Vendor,
            Model = Model,
            MaxRetries = Retries,
            RequestTimeout = RequestTimeout,
            UserAgent = "gdc outpost-device",
        });
    }

    private static string? Pick(string? flag, string environment, string? file)
    {
        var value = flag ?? Environment.GetEnvironmentVariable(environment);
        value = string.IsNullOrEmpty(value) ? file : value;
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
