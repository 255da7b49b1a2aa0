using Outpost.Cloud.Registry;

namespace Outpost.Cloud.Tests.Units;

public sealed class IdentifiersTests
{
    [Theory]
    [InlineData("gwprod", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345", true)]
    [InlineData("short", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)]
    [InlineData("Upper1", false)]
    [InlineData("with-dash", false)]
    public void ProductIds(string id, bool ok) => Assert.Equal(ok, Identifiers.IsProductId(id));

    [Theory]
    [InlineData("AF:14:B9:00:50:2C", true)]
    [InlineData("rack/1#2", true)]
    [InlineData("x", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("tab\t", false)]
    [InlineData("ünï", false)]
    public void Serials(string serial, bool ok) => Assert.Equal(ok, Identifiers.IsSerial(serial));

    [Fact]
    public void Serials_UpTo128Characters() =>
        Assert.Equal((true, false), (Identifiers.IsSerial(new string('a', 128)), Identifiers.IsSerial(new string('a', 129))));

    [Theory]
    [InlineData("test_app.v1.tar.gz", true)]
    [InlineData("fw-2.bin", true)]
    [InlineData(".hidden", false)]
    [InlineData("../x", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    public void ContentIds(string id, bool ok) => Assert.Equal(ok, Identifiers.IsContentId(id));

    [Fact]
    public void Cik_IsFortyLowercaseHex_AndHashesDiffer()
    {
        var cik = Cik.New();
        Assert.True(Cik.IsWellFormed(cik));
        Assert.False(Cik.IsWellFormed(cik.ToUpperInvariant()));
        Assert.False(Cik.IsWellFormed(cik[..39]));
        Assert.NotEqual(Cik.Hash(cik), Cik.Hash(Cik.New()));
        Assert.Equal(64, Cik.Hash(cik).Length);
    }
}
