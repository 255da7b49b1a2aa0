using System.CommandLine;
using Outpost.Gateway.Engine;

namespace Outpost.Gateway.Cli;

/// <summary><c>--home DIR</c>: gwe's state directory (else <c>GWE_HOME</c>, else /var/lib/gwe); shared by the flag groups.</summary>
internal static class HomeOption
{
    /// <summary>The option; added to the root by <see cref="ConfigFlags"/>.</summary>
    public static Option<string> Option { get; } = new("--home")
    {
        Description = "gwe's state directory (Gateway.cfg, engine.conf, apps/). Default: $GWE_HOME, else /var/lib/gwe.",
        HelpName = "DIR",
    };

    /// <summary>The home this invocation uses.</summary>
    public static GweHome Resolve(ParseResult parse) => GweHome.Resolve(parse.GetValue(Option));
}
