using System.CommandLine;
using Outpost.Gateway.Cli;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary><c>gwe gmq …</c> in-process, as the gwe CLI wires it (with <c>--home</c>): its output and exit code.</summary>
internal static class GmqCli
{
    /// <summary>Runs the command; stdout followed by stderr, and the exit code.</summary>
    public static async Task<(string Output, int Code)> RunAsync(params string[] args)
    {
        var root = new RootCommand();
        var home = new Option<string>("--home") { Recursive = true };
        root.Options.Add(home);
        new GmqCommands(home).AddTo(root);
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return ((output + error.ToString()).ReplaceLineEndings("\n"), code);
    }
}
