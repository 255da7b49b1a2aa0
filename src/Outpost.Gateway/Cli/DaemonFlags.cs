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

    private readonly Option<string> _gmqUrl = new("--gmq-url")
    {
        Description = "GMQ's local API for this run, e.g. http://127.0.0.1:8091 (default: [gmq] url in engine.conf, else http://127.0.0.1:8090).",
        HelpName = "URL",
    };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(_once);
        var run = new Command("run", "Run the gwe daemon: host the apps of conf.d, GMQ and the control socket (the default action).") { _gmqUrl };
        run.SetAction((parse, cancellationToken) =>
            GweDaemon.RunAsync(HomeOption.Resolve(parse), parse.InvocationConfiguration.Error, parse.GetValue(_gmqUrl), cancellationToken));
        root.Subcommands.Add(run);
    }

    public async Task<int?> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var home = HomeOption.Resolve(parse);
        return parse.GetValue(_once)
            ? await GweOnce.RunAsync(home, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken)
            : await GweDaemon.RunAsync(home, parse.InvocationConfiguration.Error, gmqUrl: null, cancellationToken);
    }
}
