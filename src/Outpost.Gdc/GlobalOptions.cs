using System.CommandLine;

namespace Outpost.Gdc;

/// <summary>The options every gdc command takes: who the device is, where the cloud is, how to print.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Cfg { get; } = new("--cfg") { Description = "Identity file (INI: [device] cik, model, vendor, uuid, iface, host). Env: GDC_CFG", Recursive = true };

    public Option<string?> Host { get; } = new("--host") { Description = "Cloud URL, e.g. https://pid.outpost.example. Env: GDC_HOST", Recursive = true };

    public Option<string?> Cik { get; } = new("--cik") { Description = "The device's CIK (40 hex). Env: GDC_CIK", Recursive = true };

    public Option<string?> Vendor { get; } = new("--vendor") { Description = "Product id sent as vendor. Env: GDC_VENDOR", Recursive = true };

    public Option<string?> Model { get; } = new("--model") { Description = "Product id sent as model. Env: GDC_MODEL", Recursive = true };

    public Option<string?> Serial { get; } = new("--serial") { Description = "Serial number to activate with. Env: GDC_SERIAL", Recursive = true };

    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON instead of plain lines", Recursive = true };

    public Option<int?> Retries { get; } = new("--retries") { Description = "Retries on network errors and 5xx (default 4). Env: GDC_RETRIES", Recursive = true };

    public Option<double?> RequestTimeout { get; } = new("--request-timeout") { Description = "Seconds one attempt may take (default 30)", Recursive = true };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Cfg, Host, Cik, Vendor, Model, Serial, Json, Retries, RequestTimeout })
        {
            command.Options.Add(option);
        }
    }
}
