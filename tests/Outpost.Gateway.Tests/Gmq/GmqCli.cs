using System.CommandLine;
using System.Runtime.Versioning;
using Outpost.Gateway.Cli;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary>
/// <c>gwe gmq …</c> in-process, through <see cref="GweCli.RunAsync"/> as gwe's Program runs it (literal-argument
/// parsing, the shared one-line usage error): its output and exit code.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class GmqCli
{
    /// <summary>Runs the command; stdout followed by stderr, and the exit code.</summary>
    public static async Task<(string Output, int Code)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await GweCli.RunAsync(args, new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null });
        return ((output + error.ToString()).ReplaceLineEndings("\n"), code);
    }
}
