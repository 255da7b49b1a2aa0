using System.Text;
using Outpost.Protocol.Forms;

namespace Outpost.Protocol.Tests;

public sealed class FormCodecTests
{
    [Theory]
    [InlineData("sn=AF:14:B9:00:50:2C", "AF:14:B9:00:50:2C")]
    [InlineData("sn=AF%3A14%3AB9%3A00%3A50%3A2C", "AF:14:B9:00:50:2C")]
    [InlineData("sn=a+b", "a b")]
    [InlineData("sn=a%2Bb", "a+b")]
    [InlineData("sn=%26%3D%25", "&=%")]
    [InlineData("sn=%E2%82%AC", "€")]
    [InlineData("sn=", "")]
    public void Parse_RawAndEncodedValues_DecodeToTheSameValue(string body, string expected)
    {
        var result = FormCodec.Parse(body);
        Assert.True(result.Ok, result.Error);
        Assert.Equal(new FormField("sn", expected), Assert.Single(result.Fields));
    }

    [Fact]
    public void Parse_KeepsOrderAndDuplicates()
    {
        var result = FormCodec.Parse("alias=a&1=x&2=y&alias=b&1=z");
        Assert.Equal(
            [new("alias", "a"), new("1", "x"), new("2", "y"), new("alias", "b"), new("1", "z")],
            result.Fields);
    }

    [Fact]
    public void Parse_KeysWithoutEquals_HaveNullValues()
    {
        var result = FormCodec.Parse("?a&b");
        Assert.Equal([new("a", null), new("b", null)], result.Fields);
    }

    [Theory]
    [InlineData("a=1&&b=2\r\n")]
    [InlineData("&a=1&b=2&")]
    public void Parse_EmptySegmentsAndTrailingNewline_AreIgnored(string body)
    {
        var result = FormCodec.Parse(body);
        Assert.Equal([new("a", "1"), new("b", "2")], result.Fields);
    }

    [Theory]
    [InlineData("a=%", "'%'")]
    [InlineData("a=%4", "'%'")]
    [InlineData("a=%zz", "'%'")]
    [InlineData("a=%FF", "UTF-8")]
    [InlineData("=1", "empty name")]
    public void Parse_BrokenInput_IsRejectedWithAReason(string body, string reasonPart)
    {
        var result = FormCodec.Parse(body);
        Assert.False(result.Ok);
        Assert.Contains(reasonPart, result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Fields);
    }

    [Fact]
    public void Parse_InvalidUtf8Bytes_AreRejected()
    {
        var result = FormCodec.Parse([(byte)'a', (byte)'=', 0xC3, 0x28]);
        Assert.False(result.Ok);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("a&b=c%d+e")]
    [InlineData("line1\nline2")]
    [InlineData("€ ünïcødé 🚀")]
    [InlineData("")]
    public void EncodeThenParse_RoundTrips(string value)
    {
        var encoded = FormCodec.Encode([new("k", value), new("x y", "1")]);
        Assert.DoesNotContain(' ', encoded);
        var parsed = FormCodec.Parse(Encoding.UTF8.GetBytes(encoded));
        Assert.Equal([new("k", value), new("x y", "1")], parsed.Fields);
    }

    [Fact]
    public void Encode_SingleAlias_IsExactlyKeyEqualsValue()
    {
        Assert.Equal("a=1", FormCodec.Encode([new("a", "1")]));
        Assert.Equal("a=1&b=%26", FormCodec.Encode([new("a", "1"), new("b", "&")]));
    }
}
