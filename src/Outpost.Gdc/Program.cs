using Outpost.Cli;

namespace Outpost.Gdc;

/// <summary>Entry point of <c>gdc</c>.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var parse = LiteralArguments.Parse(GdcCli.Create(), args);
        if (parse.Errors.Count == 0 || UsageError.AskedForHelp(args))
        {
            return await parse.InvokeAsync();
        }

        // A command line that does not parse is one line naming the problem (as gwe and outpost do), not the help page.
        await Console.Error.WriteLineAsync(UsageError.Describe(parse, "gdc"));
        return ExitCodes.Usage;
    }
}
