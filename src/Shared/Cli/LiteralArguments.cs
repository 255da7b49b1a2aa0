using System.CommandLine;

namespace Outpost.Cli;

/// <summary>
/// How gwe, gdc and outpost parse their command lines: every argument is taken literally. System.CommandLine would
/// read an argument starting with <c>@</c> as a response file to expand, so <c>gdc write note @home</c> or
/// <c>outpost device write … @v2</c> failed with "Response file not found"; values are user data, not file names.
/// </summary>
internal static class LiteralArguments
{
    /// <summary>Parses <paramref name="args"/> for <paramref name="command"/> without response-file expansion.</summary>
    public static ParseResult Parse(Command command, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(command);
        return command.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
    }
}
