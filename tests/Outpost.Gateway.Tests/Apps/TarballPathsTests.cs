using Outpost.Gateway.Apps;

namespace Outpost.Gateway.Tests.Apps;

public sealed class TarballPathsTests
{
    private static readonly Dictionary<string, string> NoLinks = [];

    [Theory]
    [InlineData("./a//b/./c", new[] { "a", "b", "c" })]
    [InlineData("./", new string[0])]
    [InlineData("a/../b", new[] { "a", "..", "b" })]
    public void Segments_DropEmptyAndDotSegments(string path, string[] expected) =>
        Assert.Equal(expected, TarballPaths.Segments(path));

    [Theory]
    [InlineData("", "sibling", true)]
    [InlineData("", ".", true)]
    [InlineData("", "..", false)]
    [InlineData("a/b", "../../c", true)]
    [InlineData("a/b", "../../../c", false)]
    [InlineData("a", "x/../../y", true)]
    [InlineData("a", "/etc", false)]
    public void Resolve_WithoutLinks_IsLexical(string from, string target, bool inside) =>
        Assert.Equal(
            inside ? TarballPaths.Resolution.Inside : TarballPaths.Resolution.Outside,
            TarballPaths.Resolve(TarballPaths.Segments(from), target, NoLinks));

    [Fact]
    public void Resolve_FollowsLinksInTheTarball()
    {
        var links = new Dictionary<string, string> { ["sub/up"] = "..", ["abs"] = "/tmp", ["deep"] = "x/y/z" };

        Assert.Equal(TarballPaths.Resolution.Outside, TarballPaths.Resolve([], "sub/up/..", links));
        Assert.Equal(TarballPaths.Resolution.Outside, TarballPaths.Resolve([], "abs/file", links));
        Assert.Equal(TarballPaths.Resolution.Inside, TarballPaths.Resolve([], "deep/../..", links));
        Assert.Equal(TarballPaths.Resolution.Inside, TarballPaths.Resolve(["sub"], "up/sub", links));
    }

    [Fact]
    public void Resolve_LinkCycle_IsALoop()
    {
        var links = new Dictionary<string, string> { ["a"] = "b", ["b"] = "a" };
        Assert.Equal(TarballPaths.Resolution.Loop, TarballPaths.Resolve([], "a", links));
    }
}
