using Outpost.Protocol.Tarballs;

namespace Outpost.Protocol.Tests;

public sealed class TarballNameTests
{
    [Theory]
    [InlineData("test_app.v1.tar.gz", "test_app", "1")]
    [InlineData("GatewayEngine.v1-0-6.tar.gz", "GatewayEngine", "1-0-6")]
    [InlineData("temp-app.v1.2.3.tar.gz", "temp-app", "1.2.3")]
    [InlineData("a.vv2.tar.gz", "a", "v2")]
    [InlineData("A_1.v2.0_rc-1.tar.gz", "A_1", "2.0_rc-1")]
    public void TryParse_ValidNames_SplitNameAndVersion(string fileName, string name, string version)
    {
        Assert.True(TarballName.TryParse(fileName, out var parsed, out var error), error);
        Assert.Equal(new TarballName(name, version), parsed);
        Assert.Equal(fileName, parsed.FileName);
        Assert.Equal(fileName, parsed.ToString());
    }

    [Theory]
    [InlineData("test_app.v1.tgz", "must end in .tar.gz")]
    [InlineData("test_app.v1.TAR.GZ", "must end in .tar.gz")]
    [InlineData("test_app.tar.gz", "must look like NAME.vVERSION.tar.gz")]
    [InlineData("test_app-1.tar.gz", "must look like NAME.vVERSION.tar.gz")]
    [InlineData("my.app.v1.tar.gz", "must look like NAME.vVERSION.tar.gz")]
    [InlineData(".v1.tar.gz", "NAME is empty")]
    [InlineData("app.v.tar.gz", "VERSION is empty")]
    [InlineData("app name.v1.tar.gz", "NAME 'app name' may hold only")]
    [InlineData("app.v1 2.tar.gz", "VERSION '1 2' may hold only")]
    [InlineData("app.v1/2.tar.gz", "VERSION '1/2' may hold only")]
    [InlineData("dir/app.v1.tar.gz", "NAME 'dir/app' may hold only")]
    [InlineData("app.v...tar.gz", "may not start or end with '.'")]
    [InlineData("app.v.1.tar.gz", "may not start or end with '.'")]
    [InlineData("app.v1..2.tar.gz", "nor contain '..'")]
    [InlineData("äpp.v1.tar.gz", "may hold only letters")]
    [InlineData(".tar.gz", "must look like")]
    public void TryParse_InvalidNames_SayWhy(string fileName, string expectedFragment)
    {
        Assert.False(TarballName.TryParse(fileName, out var parsed, out var error));
        Assert.Null(parsed);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void TryParse_OverlongName_IsRejected()
    {
        var fileName = new string('a', TarballName.MaxPartLength + 1) + ".v1.tar.gz";
        Assert.False(TarballName.TryParse(fileName, out _, out var error));
        Assert.Contains("longer than", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatException()
    {
        var ex = Assert.Throws<FormatException>(() => TarballName.Parse("nope"));
        Assert.Contains("nope", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_FormatsTheFileName()
    {
        Assert.True(TarballName.TryCreate("test_app", "1.0", out var name, out _));
        Assert.Equal("test_app.v1.0.tar.gz", name.FileName);
        Assert.False(TarballName.TryCreate("test.app", "1", out _, out var error));
        Assert.Contains("NAME", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RoundTrip_FormatThenParse_GivesTheSameRecord()
    {
        var name = new TarballName("x-y_z", "2024.10.1-beta_2");
        Assert.True(TarballName.TryParse(name.FileName, out var back, out _));
        Assert.Equal(name, back);
    }
}
