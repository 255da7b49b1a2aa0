using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Outpost.Gdc;

/// <summary>Entry point of <c>gdc</c>.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var parse = GdcCli.Create().Parse(args);
        if (parse.Errors.Count == 0 || args.Any(a => a is "-h" or "--help" or "-?"))
        {
            return await parse.InvokeAsync();
        }

        // A command line that does not parse is one line naming the problem (as gwe and outpost do), not the help page.
        var names = new List<string>();
        for (SymbolResult? result = parse.CommandResult; result is CommandResult command; result = result.Parent)
        {
            names.Insert(0, command.Command.Name);
        }

        names[0] = "gdc";
        var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
        var message = Regex.Replace(error.Message, @" as expected type '[^']*'", " as a number");
        message = Regex.Replace(message, @"\s+", " ").Trim();
        await Console.Error.WriteLineAsync($"gdc: {message} (see {string.Join(' ', names)} -h)");
        return ExitCodes.Usage;
    }
}
