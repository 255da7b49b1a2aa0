using Outpost.Gateway.Release;

namespace Outpost.Gateway.Tests.Release;

/// <summary>The release areas of <c>gwe --download-latest</c> and the package each picks from a content area's ids.</summary>
public sealed class ReleaseAreaTests
{
    private static readonly string[] ContentArea =
    [
        "test_app.v1.tar.gz",
        "GatewayEngine.v0.9.0.tar.gz",
        "GatewayEngine.v0.10.0.tar.gz",
        "GatewayEngine.v0.11.0-rc.1.tar.gz",
        "GatewayEngine.v1-0-6.tar.gz",
        "GatewayEngine.vlatest.tar.gz",
        "GatewayEngine.v0.10.0.zip",
        "gatewayengine.v9.0.0.tar.gz",
        "CustomGatewayEngine.v5.0.0.tar.gz",
    ];

    [Fact]
    public void GmqMaster_PicksTheNewestStableVersion_NotTheLastInStringOrder()
    {
        var area = ReleaseArea.TryParse("gmq-master", out _)!;

        Assert.Equal("GatewayEngine.v0.10.0.tar.gz", area.Pick(ContentArea));
    }

    [Fact]
    public void GmqDev_IncludesPrereleases()
    {
        var area = ReleaseArea.TryParse("gmq-dev", out _)!;

        Assert.Equal("GatewayEngine.v0.11.0-rc.1.tar.gz", area.Pick(ContentArea));
    }

    [Fact]
    public void GmqDev_ARelease_IsNewerThanItsPrerelease()
    {
        var area = ReleaseArea.TryParse("gmq-dev", out _)!;

        Assert.Equal("GatewayEngine.v1.0.0.tar.gz", area.Pick(["GatewayEngine.v1.0.0-rc.2.tar.gz", "GatewayEngine.v1.0.0.tar.gz", "GatewayEngine.v1.0.0-rc.10.tar.gz"]));
    }

    [Theory]
    [InlineData("gmq-master")]
    [InlineData("gmq-dev")]
    public void Pick_EqualPrecedence_IsStableWhateverTheOrder(string name)
    {
        var area = ReleaseArea.TryParse(name, out _)!;
        string[] ids = ["GatewayEngine.v2.0.0+b.tar.gz", "GatewayEngine.v2.0.0+a.tar.gz", "GatewayEngine.v1.0.0.tar.gz"];

        Assert.Equal("GatewayEngine.v2.0.0+b.tar.gz", area.Pick(ids));
        Assert.Equal("GatewayEngine.v2.0.0+b.tar.gz", area.Pick(ids.Reverse()));
    }

    [Fact]
    public void GmqMaster_OnlyPrereleases_PicksNothing()
    {
        var area = ReleaseArea.TryParse("gmq-master", out _)!;

        Assert.Null(area.Pick(["GatewayEngine.v1.0.0-rc.1.tar.gz", "test_app.v1.tar.gz"]));
        Assert.Null(area.Pick([]));
    }

    [Theory]
    [InlineData("baseline-master")]
    [InlineData("baseline-dev")]
    public void Baseline_IsRefused_NamingTheAreasThatExist(string name)
    {
        Assert.Null(ReleaseArea.TryParse(name, out var error));
        Assert.Equal($"there is no {name} release area: Outpost builds one engine, with GMQ; the release areas are gmq-master (newest stable) and gmq-dev (newest, prereleases included)", error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("master")]
    [InlineData("GMQ-MASTER")]
    [InlineData("gmq-master ")]
    public void UnknownArea_IsRefused(string name)
    {
        Assert.Null(ReleaseArea.TryParse(name, out var error));
        Assert.StartsWith($"unknown release area '{name}'; the release areas are gmq-master", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GatewayEngine.v0.1.0.tar.gz", "0.1.0")]
    [InlineData("GatewayEngine.v1.0.0-rc.1+abc.tar.gz", "1.0.0-rc.1+abc")]
    [InlineData("GatewayEngine.v.tar.gz", null)]
    [InlineData("GatewayEngine.v0.1.0.tgz", null)]
    [InlineData("GatewayEngine.0.1.0.tar.gz", null)]
    public void VersionOf_ReadsThePackageName(string id, string? version) =>
        Assert.Equal(version, ReleaseArea.VersionOf(id)?.Text);
}
