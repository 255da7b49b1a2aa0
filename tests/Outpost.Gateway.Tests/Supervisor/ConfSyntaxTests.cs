using Outpost.Gateway.Supervisor.Config;

namespace Outpost.Gateway.Tests.Supervisor;

/// <summary>The small parsers the program reader is built on: shlex split, environment pairs, %(name)s expansion.</summary>
public sealed class ConfSyntaxTests
{
    [Theory]
    [InlineData("/bin/app", new[] { "/bin/app" })]
    [InlineData("  app   -v  --x=1 ", new[] { "app", "-v", "--x=1" })]
    [InlineData("app 'a b' \"c d\"", new[] { "app", "a b", "c d" })]
    [InlineData("app a\\ b", new[] { "app", "a b" })]
    [InlineData("app \"q\\\"uote\" \"back\\\\slash\" \"keep\\n\"", new[] { "app", "q\"uote", "back\\slash", "keep\\n" })]
    [InlineData("app 'single \\ keeps'", new[] { "app", "single \\ keeps" })]
    [InlineData("app a'b'\"c\"d", new[] { "app", "abcd" })]
    [InlineData("app ''", new[] { "app", "" })]
    [InlineData("sh -c 'echo $HOME; ls | wc'", new[] { "sh", "-c", "echo $HOME; ls | wc" })]
    [InlineData("app #notacomment", new[] { "app", "#notacomment" })]
    [InlineData("", new string[0])]
    public void ShellWords_Split_LikePythonShlex(string command, string[] expected)
    {
        Assert.True(ShellWords.TrySplit(command, out var words, out var error), error);
        Assert.Equal(expected, words);
    }

    [Theory]
    [InlineData("app 'open", "no closing quotation (')")]
    [InlineData("app \"open", "no closing quotation (\")")]
    [InlineData("app \\", "no escaped character after the final backslash")]
    public void ShellWords_Unbalanced_Fails(string command, string expected)
    {
        Assert.False(ShellWords.TrySplit(command, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("KEY=\"val\",KEY2=val2", "KEY=val;KEY2=val2")]
    [InlineData("A='x, y',B=\"\"", "A=x, y;B=")]
    [InlineData(" A = 1 , B = /usr/bin:/bin ,", "A=1;B=/usr/bin:/bin")]
    [InlineData("A=\"1\",\nB=\"2\"", "A=1;B=2")]
    [InlineData("A=1,A=2", "A=2")]
    [InlineData("", "")]
    [InlineData("URL=http://h/?a=b", "URL=http://h/?a=b")]
    public void EnvironmentList_Parses_SupervisordSyntax(string value, string expected)
    {
        Assert.True(EnvironmentList.TryParse(value, out var vars, out var error), error);
        Assert.Equal(expected, string.Join(';', vars.Select(kv => $"{kv.Key}={kv.Value}")));
    }

    [Theory]
    [InlineData("A", "expected KEY=value at position 1")]
    [InlineData("=1", "expected KEY=value at position 1")]
    [InlineData("A=", "'A=' has no value (write A=\"\" for an empty one)")]
    [InlineData("A=\"open", "the value of A has no closing \"")]
    [InlineData("A=two words", "the value of A contains white space; put it in quotes")]
    [InlineData("A=\"x\" B=1", "expected ',' after the value of A")]
    public void EnvironmentList_Bad_FailsWithReason(string value, string expected)
    {
        Assert.False(EnvironmentList.TryParse(value, out _, out var error));
        Assert.Equal(expected, error);
    }

    private static readonly Dictionary<string, string> Names = new()
    {
        ["here"] = "/etc/gwe",
        ["program_name"] = "app",
        ["process_num"] = "3",
        ["ENV_HOME"] = "/root",
    };

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("%(here)s/app.sh", "/etc/gwe/app.sh")]
    [InlineData("/log/%(program_name)s-%(ENV_HOME)s", "/log/app-/root")]
    [InlineData("100%%", "100%")]
    [InlineData("%(process_num)02d", "03")]
    [InlineData("%(process_num)d", "3")]
    [InlineData("[%(program_name)5s]", "[  app]")]
    public void ConfExpansion_Expands_PythonPercentFormat(string value, string expected)
    {
        Assert.True(ConfExpansion.TryExpand(value, Names, out var expanded, out var error), error);
        Assert.Equal(expected, expanded);
    }

    [Theory]
    [InlineData("50%", "a lone '%' at position 3 (write %% for a percent sign)")]
    [InlineData("%(here", "'%(' at position 1 is never closed")]
    [InlineData("%(here)x", "'%(here)' must be followed by s or d")]
    [InlineData("%(ENV_NOPE)s", "'%(ENV_NOPE)s' names nothing that can be expanded (available: here, process_num, program_name, ENV_<variable>)")]
    [InlineData("%(here)d", "'%(here)d' needs a number but here is '/etc/gwe'")]
    public void ConfExpansion_Bad_FailsWithReason(string value, string expected)
    {
        Assert.False(ConfExpansion.TryExpand(value, Names, out _, out var error));
        Assert.Equal(expected, error);
    }
}
