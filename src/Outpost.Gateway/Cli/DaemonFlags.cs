using System.CommandLine;
using System.Runtime.Versioning;
using Outpost.Gateway.Daemon;

namespace Outpost.Gateway.Cli;

/// <summary>
/// The daemon: <c>gwe run</c>, or <c>gwe</c> with no action flag; and <c>-o/--once</c>, one check-in then exit
/// (<see cref="GweOnce"/>). Listed last in <see cref="GweCli.FlagGroups"/>, so it runs only when no other concern
/// claimed the command line.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class DaemonFlags : IFlagGroup
{
    private readonly Option<bool> _once = new("--once", "-o")
    {
        Description = "Do not continuously run GWE. Run once and exit: activate, report, run the pending engine_fetch command.",
    };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(_once);
        var run = new Command("run", "Run the gwe daemon: host the apps of conf.d, GMQ and the control socket (the default action).");
        run.SetAction((parse, cancellationToken) =>
            GweDaemon.RunAsync(GweHome.Resolve(parse.GetValue(HomeOption.Option)), parse.InvocationConfiguration.Error, cancellationToken));
        root.Subcommands.Add(run);
    }

    public async Task<int?> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var home = GweHome.Resolve(parse.GetValue(HomeOption.Option));
        return parse.GetValue(_once)
            ? await GweOnce.RunAsync(home, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken)
            : await GweDaemon.RunAsync(home, parse.InvocationConfiguration.Error, cancellationToken);
    }
}
