using System.CommandLine;
using Outpost.Cli;

namespace Outpost.Gateway.Tests.Cli;

/// <summary>
/// What gwe, gdc and outpost share (src/Shared/Cli: the usage-error line, literal arguments), compiled into each and
/// tested here through gwe's copy. The tools' own tests check it end to end on their real command lines.
/// </summary>
public sealed class SharedCliTests
{
    private static RootCommand Tool()
    {
        var root = new RootCommand("test tool");
        root.SetAction(_ => 0);
        root.Options.Add(new Option<int>("--count"));
        root.Options.Add(new Option<long?>("--limit"));
        root.Options.Add(new Option<double>("--timeout"));
        root.Options.Add(new Option<TimeSpan>("--every"));
        root.Options.Add(new Option<DateTimeOffset?>("--from"));
        root.Options.Add(new Option<bool>("--json"));
        root.Options.Add(new Option<Uri>("--server"));
        var retry = new Command("retry", "requeue");
        retry.Arguments.Add(new Argument<string>("device"));
        retry.Options.Add(new Option<int>("--max"));
        retry.SetAction(_ => 0);
        var gmq = new Command("gmq", "queue") { retry };
        root.Subcommands.Add(gmq);
        return root;
    }

    [Theory]
    [InlineData("--count", "abc", "as a whole number.")]
    [InlineData("--limit", "abc", "as a whole number.")]
    [InlineData("--timeout", "abc", "as a number.")]
    [InlineData("--every", "abc", "as a duration.")]
    [InlineData("--from", "abc", "as a date and time.")]
    public void Describe_ValueOfTheWrongKind_NamesTheKindWithoutDotNetTypeNames(string option, string value, string ending)
    {
        var line = UsageError.Describe(Tool().Parse([option, value]), "tool");

        Assert.Equal($"tool: Cannot parse argument '{value}' for option '{option}' {ending} (see tool -h)", line);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_ErrorInASubcommand_PointsAtThatSubcommandsHelp()
    {
        var line = UsageError.Describe(Tool().Parse(["gmq", "retry"]), "gwe");

        Assert.StartsWith("gwe: ", line, StringComparison.Ordinal);
        Assert.EndsWith("(see gwe gmq retry -h)", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_UnknownToken_NamesIt()
    {
        var line = UsageError.Describe(Tool().Parse(["gmq", "retry", "dev1", "extra"]), "gwe");

        Assert.Equal("gwe: Unrecognized command or argument 'extra'. (see gwe gmq retry -h)", line);
    }

    [Fact]
    public void Describe_MistypedSubcommand_NamesTheTokenNotTheMissingCommand()
    {
        var parse = Tool().Parse(["gmq", "nosuch"]);
        Assert.StartsWith("Required command", parse.Errors[0].Message, StringComparison.Ordinal);

        var line = UsageError.Describe(parse, "gwe");

        Assert.Equal("gwe: Unrecognized command or argument 'nosuch'. (see gwe gmq -h)", line);
    }

    [Fact]
    public void Describe_IsOneLine()
    {
        var line = UsageError.Describe(Tool().Parse(["--count"]), "tool");

        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain("  ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_CommandLineThatParsed_Throws()
    {
        var parse = Tool().Parse(["--count", "3"]);

        Assert.Throws<ArgumentException>(() => UsageError.Describe(parse, "tool"));
    }

    [Theory]
    [InlineData(true, "gmq", "-h")]
    [InlineData(true, "--help")]
    [InlineData(true, "-?")]
    [InlineData(false, "gmq", "retry")]
    [InlineData(false, "--helpful")]
    public void AskedForHelp_OnlyTheHelpFlags(bool expected, params string[] args) =>
        Assert.Equal(expected, UsageError.AskedForHelp(args));

    [Fact]
    public void LiteralArguments_ArgumentStartingWithAt_IsAValueNotAResponseFile()
    {
        var parse = LiteralArguments.Parse(Tool(), ["gmq", "retry", "@home"]);

        Assert.Empty(parse.Errors);
        Assert.Equal("@home", parse.GetValue<string>("device"));
    }
}
