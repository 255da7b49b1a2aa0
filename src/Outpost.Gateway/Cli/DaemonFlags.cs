using System.CommandLine;
using Outpost.Gateway.Daemon;

namespace Outpost.Gateway.Cli;

/// <summary>
/// <c>--home DIR</c> (any command; else <c>GWE_HOME</c>, else the default for this user) and the daemon:
/// <c>gwe run</c>, or <c>gwe</c> with no action flag. Listed last in <see cref="GweCli.FlagGroups"/>, so it runs only
/// when no other concern claimed the command line.
/// </summary>
internal sealed class DaemonFlags : IFlagGroup
{
    /// <summary>The home option, shared with the control commands.</summary>
    public Option<string> Home { get; } = new("--home")
    {
        Description = "The gwe home directory (default: $GWE_HOME, else /opt/outpost-gwe as root, ~/.outpost-gwe otherwise).",
        HelpName = "DIR",
        Recursive = true,
    };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Home);
        var run = new Command("run", "Run the gwe daemon: host the apps of conf.d, GMQ and the control socket (the default action).");
        run.SetAction((parse, cancellationToken) =>
            GweDaemon.RunAsync(GweHome.Resolve(parse.GetValue(Home)), parse.InvocationConfiguration.Error, cancellationToken));
        root.Subcommands.Add(run);
    }

    public async Task<int?> RunAsync(ParseResult parse, CancellationToken cancellationToken) =>
        await GweDaemon.RunAsync(GweHome.Resolve(parse.GetValue(Home)), parse.InvocationConfiguration.Error, cancellationToken);
}
