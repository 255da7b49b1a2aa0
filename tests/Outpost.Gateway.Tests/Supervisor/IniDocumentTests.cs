using Outpost.Gateway.Supervisor.Config;

namespace Outpost.Gateway.Tests.Supervisor;

public sealed class IniDocumentTests
{
    [Fact]
    public void TryParse_SectionsKeysAndValues_InFileOrder()
    {
        var doc = Parse("[a]\nx = 1\ny: 2\n\n[program:b]\nCommand=/bin/b --flag\n");

        Assert.Equal(["a", "program:b"], doc.Sections.Select(s => s.Name));
        Assert.Equal([new("x", "1"), new("y", "2")], doc.Sections[0].Entries);
        Assert.Equal("/bin/b --flag", doc.Find("program:b")!["command"]);
        Assert.Equal(5, doc.Find("program:b")!.Line);
        Assert.Null(doc.Find("missing"));
    }

    [Theory]
    [InlineData("k=v ; comment", "v")]
    [InlineData("k=v\t; comment", "v")]
    [InlineData("k=echo a;b", "echo a;b")]
    [InlineData("k=a # not a comment", "a # not a comment")]
    [InlineData("k=", "")]
    [InlineData("k = spaced value  ", "spaced value")]
    [InlineData("k=a=b", "a=b")]
    [InlineData("k: http://x:1", "http://x:1")]
    public void TryParse_Values_FollowSupervisordCommentRules(string line, string expected)
    {
        Assert.Equal(expected, Parse($"[s]\n{line}\n").Sections[0]["k"]);
    }

    [Fact]
    public void TryParse_CommentLinesAndCrLf_AreSkipped()
    {
        var doc = Parse("; top\r\n# hash\r\n[s]\r\n  ; indented comment\r\nk=v\r\n");

        Assert.Equal("v", doc.Sections[0]["k"]);
        Assert.Single(doc.Sections[0].Entries);
    }

    [Fact]
    public void TryParse_IndentedLines_ContinueThePreviousValue()
    {
        var doc = Parse("[s]\nenvironment=\n    A=\"1\",\n    B=\"2\" ; trailing\nnext=x\n");

        Assert.Equal("A=\"1\",\nB=\"2\"", doc.Sections[0]["environment"]);
        Assert.Equal("x", doc.Sections[0]["next"]);
    }

    [Fact]
    public void TryParse_HeaderWithInlineComment_AsInSupervisordsSampleFile()
    {
        var doc = Parse("[inet_http_server] ; inet (TCP) server disabled by default\nport=127.0.0.1:9001\n");

        Assert.Equal("inet_http_server", doc.Sections[0].Name);
    }

    [Fact]
    public void Indexer_IsCaseInsensitive_AndKeysAreLowerCased()
    {
        var section = Parse("[s]\nStdOut_LogFile=/x\n").Sections[0];

        Assert.Equal("stdout_logfile", section.Entries[0].Key);
        Assert.Equal("/x", section["STDOUT_LOGFILE"]);
    }

    [Theory]
    [InlineData("k=v\n", "line 1: 'k=v' comes before any [section]")]
    [InlineData("[s\n", "line 1: a section header must look like [name]")]
    [InlineData("[]\n", "line 1: a section header must look like [name]")]
    [InlineData("[ ]\n", "line 1: a section header must look like [name]")]
    [InlineData("[s]\njustaword\n", "line 2: expected 'key = value', got 'justaword'")]
    [InlineData("[s]\n=v\n", "line 2: expected 'key = value', got '=v'")]
    [InlineData("[s]\nk=1\nK=2\n", "line 3: key 'k' appears twice in [s]")]
    [InlineData("[s]\n[s]\n", "line 2: section [s] appears twice")]
    public void TryParse_BadInput_FailsWithOneLineNamingTheLine(string text, string expected)
    {
        Assert.False(IniDocument.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryParse_LongBadLine_IsShortenedInTheError()
    {
        Assert.False(IniDocument.TryParse("[s]\n" + new string('x', 60) + "\n", out _, out var error));
        Assert.Equal($"line 2: expected 'key = value', got '{new string('x', 40)}…'", error);
    }

    [Fact]
    public void TryParse_EmptyText_HasNoSections()
    {
        Assert.Empty(Parse(string.Empty).Sections);
    }

    private static IniDocument Parse(string text)
    {
        Assert.True(IniDocument.TryParse(text, out var doc, out var error), error);
        return doc;
    }

    [Fact]
    public void LineOf_IsTheKeysOwnLine_CaseInsensitive_ElseTheHeaders()
    {
        Assert.True(IniDocument.TryParse("; top\n[gmq]\nurl = x\n\n  ; note\nPolicy = reject\n", out var doc, out var error), error);
        var section = doc.Sections[0];

        Assert.Equal((2, 3, 6, 6, 2), (section.Line, section.LineOf("url"), section.LineOf("policy"), section.LineOf("POLICY"), section.LineOf("missing")));
    }
}
