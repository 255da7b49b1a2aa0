using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Outpost.Cli;

/// <summary>
/// The one line gwe, gdc and outpost print for a command line that does not parse (a missing value, <c>-t abc</c>,
/// an unknown flag), instead of System.CommandLine's help page. Called by each tool's entry point before it invokes
/// the parse; compiled into each of the three (a linked source file: the SDK and Outpost.Protocol do not carry
/// System.CommandLine).
/// </summary>
/// <remarks>
/// "gwe: Unrecognized command or argument '--bogus'. (see gwe gmq retry -h)": the tool, the problem (an
/// unrecognised token before what it caused), worded without .NET type names, and the command whose own help
/// explains it.
/// </remarks>
internal static partial class UsageError
{
    /// <summary>The line for <paramref name="parse"/>'s error, prefixed with <paramref name="tool"/>.</summary>
    public static string Describe(ParseResult parse, string tool)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.Errors.Count == 0)
        {
            throw new ArgumentException("The command line parsed; there is no usage error to describe.", nameof(parse));
        }

        // A mistyped sub-command ("gdc nosuch") is also "Required command was not provided"; the token is the news.
        var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
        var names = new List<string>();
        for (SymbolResult? result = parse.CommandResult; result is CommandResult command; result = result.Parent)
        {
            names.Insert(0, command.Command.Name);
        }

        names[0] = tool;
        var message = ExpectedType().Replace(error.Message, match => " as " + Kind(match.Groups["type"].Value));
        message = Whitespace().Replace(message, " ").Trim();
        return $"{tool}: {message} (see {string.Join(' ', names)} -h)";
    }

    /// <summary>True when the user asked for help: then the help page is the answer, errors or not.</summary>
    public static bool AskedForHelp(IEnumerable<string> args) => args.Any(a => a is "-h" or "--help" or "-?");

    // The type name may be wrapped (System.Nullable`1[System.Int32]); what it wraps decides the wording.
    private static string Kind(string type) =>
        type.Contains("Int", StringComparison.Ordinal) || type.Contains("Byte", StringComparison.Ordinal) ? "a whole number"
        : type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal) || type.Contains("Decimal", StringComparison.Ordinal) ? "a number"
        : type.Contains("TimeSpan", StringComparison.Ordinal) ? "a duration"
        : type.Contains("Date", StringComparison.Ordinal) ? "a date and time"
        : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
        : "the expected kind of value";

    [GeneratedRegex(@" as expected type '(?<type>[^']*)'")]
    private static partial Regex ExpectedType();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
