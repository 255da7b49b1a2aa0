using Outpost.Gateway.Release;

namespace Outpost.Gateway.Tests.Release;

/// <summary>Semver 2.0.0 parsing and precedence, which <c>gwe --download-latest</c> picks "the newest" by.</summary>
public sealed class ReleaseVersionTests
{
    [Theory]
    [InlineData("0.1.0", false, "")]
    [InlineData("1.2.3", false, "")]
    [InlineData("10.20.30", false, "")]
    [InlineData("1.0.0-rc.1", true, "")]
    [InlineData("1.0.0-alpha-a.b-c", true, "")]
    [InlineData("1.0.0-0A.is.legal", true, "")]
    [InlineData("1.0.0+20130313144700", false, "20130313144700")]
    [InlineData("1.0.0-beta+exp.sha.5114f85", true, "exp.sha.5114f85")]
    [InlineData("1.0.0+001", false, "001")]
    [InlineData("99999999999999999999999.0.0", false, "")]
    public void TryParse_Semver_Parses(string text, bool prerelease, string build)
    {
        var version = ReleaseVersion.TryParse(text);

        Assert.NotNull(version);
        Assert.Equal(text, version.Text);
        Assert.Equal(prerelease, version.IsPrerelease);
        Assert.Equal(build, version.Build);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("1.2")]
    [InlineData("1.2.3.4")]
    [InlineData("1-0-6")]
    [InlineData("v1.2.3")]
    [InlineData("01.2.3")]
    [InlineData("1.02.3")]
    [InlineData("1.2.03")]
    [InlineData("1.2.3-")]
    [InlineData("1.2.3-01")]
    [InlineData("1.2.3-rc..1")]
    [InlineData("1.2.3-rc.1.")]
    [InlineData("1.2.3+")]
    [InlineData("1.2.3+a..b")]
    [InlineData("1.2.3-rc_1")]
    [InlineData("1.2.3 ")]
    [InlineData("-1.2.3")]
    [InlineData("1.2.x")]
    [InlineData("１.2.3")]
    public void TryParse_NotSemver_IsNull(string? text) => Assert.Null(ReleaseVersion.TryParse(text));

    // semver.org §11's example chain, plus numbers past ten (string order gets those wrong) and huge ones.
    [Fact]
    public void CompareTo_OrdersBySemverPrecedence()
    {
        string[] ascending =
        [
            "0.9.0", "0.10.0", "0.10.1",
            "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0",
            "1.0.1", "1.1.0", "1.10.0", "2.0.0", "10.0.0", "99999999999999999999999.0.0",
        ];

        for (var i = 0; i < ascending.Length; i++)
        {
            for (var j = 0; j < ascending.Length; j++)
            {
                var a = ReleaseVersion.TryParse(ascending[i])!;
                var b = ReleaseVersion.TryParse(ascending[j])!;
                Assert.True(Math.Sign(a.CompareTo(b)) == i.CompareTo(j), $"{a} vs {b}: {a.CompareTo(b)}");
            }
        }
    }

    [Theory]
    [InlineData("1.0.0-1", "1.0.0-a")]          // numeric identifiers are older than alphanumeric ones
    [InlineData("1.0.0-9", "1.0.0-10")]         // and compare as numbers
    [InlineData("1.0.0-A", "1.0.0-a")]          // ASCII order: upper case first
    [InlineData("1.0.0-a.b", "1.0.0-a.b.c")]    // more identifiers, all before equal: newer
    [InlineData("1.0.0-x-1", "1.0.0-x-2")]
    public void CompareTo_PrereleaseIdentifiers(string older, string newer)
    {
        var a = ReleaseVersion.TryParse(older)!;
        var b = ReleaseVersion.TryParse(newer)!;

        Assert.True(a.CompareTo(b) < 0);
        Assert.True(b.CompareTo(a) > 0);
    }

    [Theory]
    [InlineData("1.0.0+a", "1.0.0+b")]
    [InlineData("1.0.0", "1.0.0+build.7")]
    [InlineData("1.0.0-rc.1+x", "1.0.0-rc.1+y")]
    public void CompareTo_IgnoresBuildMetadata(string a, string b) =>
        Assert.Equal(0, ReleaseVersion.TryParse(a)!.CompareTo(ReleaseVersion.TryParse(b)));

    [Fact]
    public void CompareTo_Null_IsOlder() => Assert.True(ReleaseVersion.TryParse("0.0.0")!.CompareTo(null) > 0);
}
