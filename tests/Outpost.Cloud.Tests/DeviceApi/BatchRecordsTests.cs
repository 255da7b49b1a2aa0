using System.Text;
using Outpost.Cloud.DeviceApi;
using Outpost.Cloud.Ingest;

namespace Outpost.Cloud.Tests.DeviceApi;

public sealed class BatchRecordsTests
{
    [Fact]
    public void Parse_ReadsEveryItem_InOrder()
    {
        var parsed = Parse("""
            [{"id":"m1","alias":"temp","ts":1700000000000,"value":"21.5"},
             {"value":"x","ts":1700000000001,"alias":"state","id":"m2"}]
            """);
        Assert.Null(parsed.Error);
        Assert.Equal([new ValuePoint("temp", 1700000000000, "21.5"), new ValuePoint("state", 1700000000001, "x")], parsed.Points);
        Assert.Equal(["m1", "m2"], parsed.Ids);
    }

    [Fact]
    public void Parse_TheSameIdTwice_IsOneValue_TheFirst()
    {
        var parsed = Parse("""[{"id":"m1","alias":"temp","ts":1,"value":"a"},{"id":"m1","alias":"temp","ts":2,"value":"b"}]""");
        Assert.Equal([new ValuePoint("temp", 1, "a")], parsed.Points);
        Assert.Equal(["m1"], parsed.Ids);
    }

    [Fact]
    public void Parse_UnknownPropertiesOfAnyShape_AreIgnored()
    {
        var parsed = Parse("""[{"id":"m1","extra":{"a":[1,{"b":null}]},"alias":"temp","n":2.5,"ts":1,"value":"a","Id":"ignored"}]""");
        Assert.Null(parsed.Error);
        Assert.Equal(["m1"], parsed.Ids);
    }

    [Fact]
    public void Parse_EscapedText_IsUnescaped()
    {
        var parsed = Parse("""[{"\u0069d":"m\"1","alias":"te\u006dp","ts":1,"value":"line\nnext \u00e9"}]""");
        Assert.Equal([new ValuePoint("temp", 1, "line\nnext é")], parsed.Points);
        Assert.Equal(["m\"1"], parsed.Ids);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("5")]
    [InlineData("[1]")]
    [InlineData("[[]]")]
    [InlineData("""[{"id":"a","alias":"temp","ts":1,"value":"1"},]""")]
    [InlineData("""[{"id":"a","alias":"temp","ts":1,"value":"1"}] x""")]
    [InlineData("""[{"id":"a","alias":"temp","ts":1,"value":"1"}""")]
    [InlineData("""[{"id":"a","alias":"temp","ts":1.5,"value":"1"}]""")]
    [InlineData("""[{"id":"a","alias":"temp","ts":"1","value":"1"}]""")]
    [InlineData("""[{"id":"a","alias":"temp","ts":null,"value":"1"}]""")]
    [InlineData("""[{"id":"a","alias":"temp","ts":99999999999999999999,"value":"1"}]""")]
    [InlineData("""[{"id":"a","alias":"temp","ts":1,"value":21.5}]""")]
    [InlineData("""[{"id":7,"alias":"temp","ts":1,"value":"1"}]""")]
    public void Parse_NotTheWireShape_IsNamedSo(string body)
    {
        var parsed = Parse(body);
        Assert.StartsWith("batch is not a JSON array of {id, alias, ts, value}", parsed.Error, StringComparison.Ordinal);
        Assert.Empty(parsed.Points);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("alias")]
    [InlineData("value")]
    [InlineData("extra")]
    public void Parse_InvalidUtf8InAnyString_IsNamedSo(string field)
    {
        // The JSON reader accepts such bytes inside a string; reading that string as text threw (a 500).
        var body = Encoding.UTF8.GetBytes($$"""[{"id":"m1","alias":"temp","ts":1,"value":"a","{{field}}":"x~"}]""");
        body[Array.LastIndexOf(body, (byte)'~')] = 0xFF;
        var parsed = BatchRecords.Parse(body);
        Assert.Equal("batch is not valid UTF-8", parsed.Error);
        Assert.Empty(parsed.Points);
    }

    [Fact]
    public void Parse_Empty_IsNamedSo()
    {
        Assert.StartsWith("batch is empty", Parse(" [ ] ").Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""null""", "item 1: needs id")]
    [InlineData("""{"alias":"temp","ts":1,"value":"1"}""", "item 1: needs id")]
    [InlineData("""{"id":"","alias":"temp","ts":1,"value":"1"}""", "item 1: needs id")]
    [InlineData("""{"id":"b","alias":null,"ts":1,"value":"1"}""", "item 1: needs id")]
    [InlineData("""{"id":"b","alias":"temp","ts":1}""", "item 1: needs id")]
    [InlineData("""{"id":"b","alias":"temp","value":"1"}""", "item 1: ts must be epoch milliseconds")]
    [InlineData("""{"id":"b","alias":"temp","ts":-5,"value":"1"}""", "item 1: ts must be epoch milliseconds")]
    public void Parse_ABadItem_RejectsTheBatch_NamingIt(string item, string error)
    {
        var parsed = Parse($$"""[{"id":"a","alias":"temp","ts":1,"value":"1"},{{item}},{"id":"c","alias":"temp","ts":1,"value":"1"}]""");
        Assert.StartsWith(error, parsed.Error, StringComparison.Ordinal);
        Assert.Empty(parsed.Points);
        Assert.Empty(parsed.Ids);
    }

    [Fact]
    public void Parse_IdsOf128Characters_AreAccepted_129AreNot()
    {
        Assert.Null(Parse($$"""[{"id":"{{new string('x', 128)}}","alias":"temp","ts":1,"value":"1"}]""").Error);
        Assert.StartsWith("item 0: needs id", Parse($$"""[{"id":"{{new string('x', 129)}}","alias":"temp","ts":1,"value":"1"}]""").Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ABadItemBeforeMalformedJson_IsReportedAsMalformed()
    {
        var parsed = Parse("""[null,{"id":"a","alias":"temp","ts":1,"value":"1"} x""");
        Assert.StartsWith("batch is not a JSON array", parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MoreThanTheMaximum_IsRejected_CountingEveryItem()
    {
        var items = Enumerable.Range(0, BatchRecords.MaxItems + 1).Select(i => $$"""{"id":"m{{i}}","alias":"temp","ts":1,"value":"1"}""");
        Assert.Equal($"batch has {BatchRecords.MaxItems + 1} items; at most {BatchRecords.MaxItems}", Parse("[" + string.Join(',', items) + "]").Error);
    }

    [Fact]
    public void Acknowledge_ListsTheIds()
    {
        Assert.Equal("""{"accepted":["m1","m\u00222"]}""", BatchRecords.Acknowledge(["m1", "m\"2"]));
    }

    private static (IReadOnlyList<ValuePoint> Points, IReadOnlyList<string> Ids, string? Error) Parse(string body) =>
        BatchRecords.Parse(Encoding.UTF8.GetBytes(body));
}
