using System.CommandLine;
using System.Globalization;
using Outpost.Device;
using Outpost.Gateway.Engine;

namespace Outpost.Gateway.Cli;

/// <summary>
/// Seed 002's configuration flags. Printing: <c>-g</c> (Gateway.cfg), <c>-C</c> (the CIK), <c>-e</c> (engine.conf),
/// <c>-p</c> (the home). Setting, each printing the resulting file as the seed shows: <c>-P</c> (vendor = model = PID),
/// <c>-u</c>, <c>-i</c>, <c>-c</c>, <c>-m</c>, <c>-r</c>, <c>--set-host</c> (Gateway.cfg) and <c>-l</c>, <c>-d</c>,
/// <c>-t</c>, <c>-a</c> (engine.conf). Several setters in one call are applied together.
/// </summary>
internal sealed class ConfigFlags : IFlagGroup
{
    private readonly Option<bool> _printCfg = new("--gateway-cfg", "-g") { Description = "Print the contents of the Gateway.cfg file." };
    private readonly Option<bool> _printCik = new("--gateway-cik", "-C") { Description = "Print the GWE cik." };
    private readonly Option<bool> _printEngine = new("--engine-conf", "-e") { Description = "Print the contents of the engine.conf file." };
    private readonly Option<bool> _printPath = new("--path", "-p") { Description = "Print the installation path (the gwe home)." };
    private readonly Option<string> _productId = new("--set-product-id", "-P", "--product-id") { Description = "Configure GWE with your Product ID (sets vendor and model).", HelpName = "PRODUCT_ID" };
    private readonly Option<string> _uuid = new("--set-uuid", "-u") { Description = "Set the GWE uuid/serial-number with provided value.", HelpName = "UUID" };
    private readonly Option<string> _iface = new("--set-iface", "-i") { Description = "Set the hardware interface (e.g. eth0) whose MAC address is the serial number.", HelpName = "IFACE" };
    private readonly Option<string> _cik = new("--set-cik", "-c") { Description = "Set the GWE cik with provided value.", HelpName = "CIK" };
    private readonly Option<string> _model = new("--set-model", "-m") { Description = "Set the GWE model with provided value.", HelpName = "MODEL" };
    private readonly Option<string> _vendor = new("--set-vendor", "-r") { Description = "Set the GWE vendor with provided value.", HelpName = "VENDOR" };
    private readonly Option<string> _host = new("--set-host") { Description = "Set the cloud URL GWE talks to.", HelpName = "URL" };
    private readonly Option<int?> _actRetry = new("--set-act-retry-interval", "-l") { Description = "Set activation retry interval in seconds.", HelpName = "INTERVAL_SECONDS" };
    private readonly Option<string> _debug = new("--set-debug-level", "-d") { Description = "Set the runtime logging level of GWE.", HelpName = "{DEBUG,INFO,WARNING,ERROR,CRITICAL}" };
    private readonly Option<int?> _interval = new("--set-update-interval", "-t") { Description = "Set period (in seconds) of time between GWE check-ins.", HelpName = "UPDATE_INTERVAL" };
    private readonly Option<string> _userAgent = new("--set-user-agent", "-a") { Description = "Set the GWE User-Agent HTTP header (empty restores the default).", HelpName = "USER_AGENT" };

    public void AddTo(RootCommand root)
    {
        _debug.AcceptOnlyFromAmong([.. EngineConfig.DebugLevels]);
        foreach (var option in new Option[] { _printCfg, _printCik, _printEngine, _printPath, _productId, _uuid, _iface, _cik, _model, _vendor, _host, _actRetry, _debug, _interval, _userAgent })
        {
            root.Options.Add(option);
        }
    }

    public async Task<int?> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        var home = HomeOption.Resolve(parse);
        // A value is one line of an INI file: a newline in it would write a key of its own (uuid = x\nhost = …).
        foreach (var option in new[] { _uuid, _iface, _cik, _host, _userAgent })
        {
            if (parse.GetValue(option) is { } value && value.Any(char.IsControl))
            {
                await error.WriteLineAsync($"gwe: {option.Name} must not contain control characters such as a newline");
                return 1;
            }
        }

        // Every value is checked before either file is written: a refused one changes nothing.
        var identity = await SetIdentityAsync(parse, home, error, cancellationToken);
        if (identity is null)
        {
            return 1;
        }

        var engine = SetEngine(parse, home, error);
        if (engine is null)
        {
            return 1;
        }

        var identityChanged = identity.Value.Changed;
        var engineChanged = engine.Value.Changed;
        if (identityChanged)
        {
            await identity.Value.Identity.SaveAsync(home.GatewayCfg, cancellationToken);
        }

        if (engineChanged)
        {
            await engine.Value.File.SaveAsync(cancellationToken);
        }

        var acted = identityChanged || engineChanged;
        if (identityChanged || parse.GetValue(_printCfg))
        {
            await output.WriteAsync((await DeviceIdentity.LoadAsync(home.GatewayCfg, cancellationToken)).Format());
            acted = true;
        }

        if (engineChanged || parse.GetValue(_printEngine))
        {
            await output.WriteAsync(EngineConfigFile.Load(home.EngineConf).Text);
            acted = true;
        }

        if (parse.GetValue(_printCik))
        {
            // CIK=$(gwe -C) in a script must not go on with an empty CIK (every request would be a puzzling 401).
            if ((await DeviceIdentity.LoadAsync(home.GatewayCfg, cancellationToken)).Cik is not { } cik)
            {
                await error.WriteLineAsync($"gwe: not activated yet: {home.GatewayCfg} has no CIK (gwe run or gwe -o activates)");
                return 1;
            }

            await output.WriteLineAsync(cik);
            acted = true;
        }

        if (parse.GetValue(_printPath))
        {
            await output.WriteLineAsync(home.Path);
            acted = true;
        }

        return acted ? 0 : null;
    }

    private async Task<(bool Changed, DeviceIdentity Identity)?> SetIdentityAsync(ParseResult parse, GweHome home, TextWriter error, CancellationToken cancellationToken)
    {
        var identity = await DeviceIdentity.LoadAsync(home.GatewayCfg, cancellationToken);
        var changed = false;
        // A product id, vendor or model is one word: they travel space-separated (X-Exosite-VMS) and in form fields.
        foreach (var (option, value) in new[] { (_productId, parse.GetValue(_productId)), (_model, parse.GetValue(_model)), (_vendor, parse.GetValue(_vendor)) })
        {
            if (value is not null && (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
            {
                await error.WriteLineAsync($"gwe: {option.Name} needs one word without spaces, not '{value}'");
                return null;
            }
        }

        if (parse.GetValue(_productId) is { } pid)
        {
            identity = identity with { Vendor = pid, Model = pid };
            changed = true;
        }

        if (parse.GetValue(_uuid) is { } uuid)
        {
            identity = identity with { Uuid = uuid };
            changed = true;
        }

        if (parse.GetValue(_iface) is { } iface)
        {
            if (InterfaceMac.TryRead(iface, out var macError) is null)
            {
                await error.WriteLineAsync($"gwe: {macError}");
                return null;
            }

            identity = identity with { Iface = iface };
            changed = true;
        }

        if (parse.GetValue(_cik) is { } cik)
        {
            if (cik.Length > 0 && !DeviceIdentity.IsCik(cik))
            {
                await error.WriteLineAsync("gwe: a CIK is 40 hex characters");
                return null;
            }

            identity = identity with { Cik = cik };
            changed = true;
        }

        if (parse.GetValue(_model) is { } model)
        {
            identity = identity with { Model = model };
            changed = true;
        }

        if (parse.GetValue(_vendor) is { } vendor)
        {
            identity = identity with { Vendor = vendor };
            changed = true;
        }

        if (parse.GetValue(_host) is { } host)
        {
            if (!Uri.TryCreate(host, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                await error.WriteLineAsync($"gwe: --set-host needs an http(s) URL, not '{host}'");
                return null;
            }

            identity = identity with { Host = host };
            changed = true;
        }

        return (changed, identity);
    }

    private (bool Changed, EngineConfigFile File)? SetEngine(ParseResult parse, GweHome home, TextWriter error)
    {
        // The values given here are checked as given: checked only after they are set in the file, "-t -5" was
        // reported at the line it would have had ("engine.conf line 5"), which the file on disk does not have.
        foreach (var (option, key) in new[] { (_actRetry, "act_retry_interval"), (_interval, "update_interval") })
        {
            if (parse.GetValue(option) is { } seconds && seconds < 1)
            {
                error.WriteLine($"gwe: {option.Name} {seconds.ToString(CultureInfo.InvariantCulture)}: {key} must be at least 1 second");
                return null;
            }
        }

        var file = EngineConfigFile.Load(home.EngineConf);
        var changed = false;
        void Set(string key, string value)
        {
            file.Set(key, value);
            changed = true;
        }

        if (parse.GetValue(_actRetry) is { } retry)
        {
            Set("act_retry_interval", retry.ToString(CultureInfo.InvariantCulture));
        }

        if (parse.GetValue(_debug) is { } level)
        {
            Set("debug_level", level.ToUpperInvariant());
        }

        if (parse.GetValue(_interval) is { } interval)
        {
            Set("update_interval", interval.ToString(CultureInfo.InvariantCulture));
        }

        if (parse.GetValue(_userAgent) is { } agent)
        {
            Set("user_agent", agent.Length == 0 ? "''" : agent);
        }

        if (!changed)
        {
            return (false, file);
        }

        if (file.TryRead(out var problem) is null)
        {
            error.WriteLine($"gwe: {problem}");
            return null;
        }

        return (true, file);
    }
}
