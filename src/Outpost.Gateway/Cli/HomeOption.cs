using System.CommandLine;
using Outpost.Gateway.Engine;

namespace Outpost.Gateway.Cli;

/// <summary><c>--home DIR</c>: gwe's state directory, accepted by every command and sub-command (else <c>GWE_HOME</c>,
/// else the default of <see cref="GweHome.Resolve"/>); one option shared by the flag groups, added by <see cref="GweCli"/>.</summary>
internal static class HomeOption
{
    /// <summary>The option.</summary>
    public static Option<string> Option { get; } = new("--home")
    {
        Description = "gwe's state directory (Gateway.cfg, engine.conf, apps/). Default: $GWE_HOME, else /opt/outpost-gwe as root, ~/.outpost-gwe otherwise.",
        HelpName = "DIR",
        Recursive = true,
    };

    /// <summary>The home this invocation uses.</summary>
    public static GweHome Resolve(ParseResult parse) => GweHome.Resolve(parse.GetValue(Option));
}
