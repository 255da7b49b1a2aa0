namespace Outpost.Gateway.Daemon;

/// <summary>The gwe home directory and the fixed places inside it.</summary>
/// <remarks>
/// Chosen from <c>--home DIR</c>, else <c>GWE_HOME</c>, else <c>/opt/outpost-gwe</c> when running as root (the seed
/// installs under <c>/opt</c>) or <c>~/.outpost-gwe</c> otherwise, so a developer's gwe never needs root.
/// </remarks>
/// <param name="Root">The home directory (absolute).</param>
internal sealed record GweHome(string Root)
{
    /// <summary>The environment variable naming the home.</summary>
    public const string Variable = "GWE_HOME";

    /// <summary>Installed app slots (<c>apps/&lt;name&gt;/&lt;version&gt;/</c>).</summary>
    public string Apps => Path.Join(Root, "apps");

    /// <summary>Log files of hosted apps (<c>AUTO</c> logs go here).</summary>
    public string Logs => Path.Join(Root, "logs");

    /// <summary>One <c>&lt;app&gt;.conf</c> per supervised program.</summary>
    public string ConfD => Path.Join(Root, "conf.d");

    /// <summary>The control socket the CLI talks to.</summary>
    public string Socket => Path.Join(Root, "gwe.sock");

    /// <summary>The engine configuration (<c>[engine]</c>, later <c>[gmq]</c>, …).</summary>
    public string EngineConf => Path.Join(Root, "engine.conf");

    /// <summary>GMQ's queue file.</summary>
    public string QueueFile => Path.Join(Root, "gmq", "queue.db");

    /// <summary>Resolves the home from the option, the environment, or the default for this user (one rule for every
    /// command: <see cref="Engine.GweHome.Resolve"/>).</summary>
    public static GweHome Resolve(string? option) => new(Engine.GweHome.Resolve(option).Path);

    /// <summary>Creates the directories the daemon writes to; throws when the home is not writable.</summary>
    public void Prepare()
    {
        foreach (var dir in new[] { Root, Apps, Logs, ConfD, Path.GetDirectoryName(QueueFile)! })
        {
            Directory.CreateDirectory(dir);
        }

        // Directory.CreateDirectory succeeds on an existing read-only dir; prove we can write before promising to.
        var probe = Path.Join(Root, $".write-probe-{Environment.ProcessId}");
        File.WriteAllText(probe, string.Empty);
        File.Delete(probe);
    }
}
