using Outpost.Gateway.Apps;

namespace Outpost.Gateway.Engine;

/// <summary>
/// gwe's state directory and the files in it: <c>Gateway.cfg</c> (identity), <c>engine.conf</c>, <c>apps/</c>,
/// <c>apps_to_install/</c>, <c>logs/</c>, <c>state/</c>, <c>downloads/</c>. Chosen by <c>--home</c>, else
/// <c>GWE_HOME</c>, else <c>/opt/outpost-gwe</c> as root (the seed installs under <c>/opt</c>) or <c>~/.outpost-gwe</c>
/// otherwise, so tests run many gateways side by side and a developer's gwe never needs root. Every command resolves
/// its home here (the daemon's <see cref="Daemon.GweHome"/> too), so <c>gwe -P</c> and <c>gwe run</c> agree.
/// </summary>
/// <param name="Path">The directory.</param>
internal sealed record GweHome(string Path)
{
    /// <summary>The identity file (the device SDK's INI <c>[device]</c> format).</summary>
    public string GatewayCfg => System.IO.Path.Join(Path, "Gateway.cfg");

    /// <summary>The engine settings file.</summary>
    public string EngineConf => System.IO.Path.Join(Path, "engine.conf");

    /// <summary>The install pipeline's layout under this home, with engine.conf's install timeout and tarball limits.</summary>
    public AppsOptions Apps(EngineConfig config) =>
        new() { Home = Path, InstallTimeout = TimeSpan.FromSeconds(config.InstallTimeout), Limits = config.TarballLimits };

    /// <summary>The home from a <c>--home</c> value, else <c>GWE_HOME</c>, else the default.</summary>
    public static GweHome Resolve(string? option) =>
        new(System.IO.Path.GetFullPath(option is { Length: > 0 } ? option
            : Environment.GetEnvironmentVariable("GWE_HOME") is { Length: > 0 } env ? env
            : DefaultPath()));

    /// <summary>The home when neither <c>--home</c> nor <c>GWE_HOME</c> says otherwise.</summary>
    public static string DefaultPath() =>
        Supervisor.Hosting.Native.IsRoot
            ? "/opt/outpost-gwe"
            : System.IO.Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".outpost-gwe");
}
