using Outpost.Gateway.Apps;

namespace Outpost.Gateway.Engine;

/// <summary>
/// gwe's home directory and the fixed places in it: <c>Gateway.cfg</c> (identity), <c>engine.conf</c>, <c>conf.d/</c>,
/// <c>apps/</c>, <c>apps_to_install/</c>, <c>logs/</c>, <c>state/</c>, <c>downloads/</c>, <c>gmq/queue.db</c>,
/// <c>gwe.sock</c> (docs/gwe.md, "The home directory"). Every command resolves its home with <see cref="Resolve"/>, so
/// <c>gwe -P</c>, <c>gwe -I</c>, <c>gwe status</c> and <c>gwe run</c> agree on it.
/// </summary>
/// <param name="Path">The directory (absolute).</param>
internal sealed record GweHome(string Path)
{
    /// <summary>The environment variable naming the home.</summary>
    public const string Variable = "GWE_HOME";

    /// <summary>The identity file (the device SDK's INI <c>[device]</c> format).</summary>
    public string GatewayCfg => System.IO.Path.Join(Path, "Gateway.cfg");

    /// <summary>The engine settings file (<c>[engine]</c>, <c>[gmq]</c>).</summary>
    public string EngineConf => System.IO.Path.Join(Path, "engine.conf");

    /// <summary>Log files of hosted apps (<c>AUTO</c> logs go here).</summary>
    public string Logs => System.IO.Path.Join(Path, "logs");

    /// <summary>One <c>&lt;app&gt;.conf</c> per supervised program.</summary>
    public string ConfD => System.IO.Path.Join(Path, "conf.d");

    /// <summary>The control socket the CLI talks to.</summary>
    public string Socket => System.IO.Path.Join(Path, "gwe.sock");

    /// <summary>GMQ's queue file.</summary>
    public string QueueFile => System.IO.Path.Join(Path, "gmq", "queue.db");

    /// <summary>The install pipeline's layout under this home, with engine.conf's install timeout and tarball limits.</summary>
    public AppsOptions Apps(EngineConfig config) =>
        new() { Home = Path, InstallTimeout = TimeSpan.FromSeconds(config.InstallTimeout), Limits = config.TarballLimits };

    /// <summary>
    /// The home from a <c>--home</c> value, else <c>GWE_HOME</c>, else <c>/opt/outpost-gwe</c> as root (the seed
    /// installs under <c>/opt</c>) or <c>~/.outpost-gwe</c> otherwise, so tests run many gateways side by side and a
    /// developer's gwe never needs root.
    /// </summary>
    public static GweHome Resolve(string? option) =>
        new(System.IO.Path.GetFullPath(option is { Length: > 0 } ? option
            : Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } env ? env
            : DefaultPath()));

    /// <summary>The home when neither <c>--home</c> nor <c>GWE_HOME</c> says otherwise.</summary>
    public static string DefaultPath() =>
        Supervisor.Hosting.Native.IsRoot
            ? "/opt/outpost-gwe"
            : System.IO.Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".outpost-gwe");

    /// <summary>Creates the directories the daemon writes to; throws when the home is not writable.</summary>
    public void Prepare()
    {
        foreach (var dir in new[] { Path, System.IO.Path.Join(Path, "apps"), Logs, ConfD, System.IO.Path.GetDirectoryName(QueueFile)! })
        {
            Directory.CreateDirectory(dir);
        }

        // Directory.CreateDirectory succeeds on an existing read-only dir; prove we can write before promising to.
        var probe = System.IO.Path.Join(Path, $".write-probe-{Environment.ProcessId}");
        File.WriteAllText(probe, string.Empty);
        File.Delete(probe);
    }
}
