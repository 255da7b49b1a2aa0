using System.Text.Json;
using Outpost.Cloud.Rules;

namespace Outpost.Cloud.Tests.Rules;

public sealed class JsonPathQueryTests
{
    private const string Report = """
        {"disk_pct": 93.5, "name": "gw", "disks": [{"mount": "/boot", "used_pct": 40}, {"mount": "/", "used_pct": 91, "fs": {"type": "ext4"}}],
         "apps": ["a", "b"], "flags": {"on": true}, "n": [1, 2, 3], "odd key": 7}
        """;

    [Theory]
    [InlineData("$.disk_pct", "93.5")]
    [InlineData("$.name", "\"gw\"")]
    [InlineData("$.disks[?(@.mount=='/')].used_pct", "91")]
    [InlineData("$.disks[?(@.mount == '/boot')].used_pct", "40")]
    [InlineData("$.disks[?(@.mount!='/boot')].used_pct", "91")]
    [InlineData("$.disks[?(@.used_pct==40)].mount", "\"/boot\"")]
    [InlineData("$.disks[?(@.fs.type=='ext4')].mount", "\"/\"")]
    [InlineData("$.disks[?(@.mount==\"/\")].used_pct", "91")]
    [InlineData("$.disks[0].mount", "\"/boot\"")]
    [InlineData("$.disks[-1].mount", "\"/\"")]
    [InlineData("$.apps[1]", "\"b\"")]
    [InlineData("$['odd key']", "7")]
    [InlineData("$.flags.on", "true")]
    [InlineData("$.n", "[1, 2, 3]")]
    [InlineData("$", null)]
    public void Select_FindsTheElement(string path, string? expected)
    {
        Assert.True(JsonPathQuery.TryParse(path, out var query, out var error), error);
        using var doc = JsonDocument.Parse(Report);
        var found = query!.Select(doc.RootElement);
        Assert.NotNull(found);
        if (expected is not null)
        {
            Assert.Equal(expected, found.Value.GetRawText());
        }
    }

    [Theory]
    [InlineData("$.missing")]
    [InlineData("$.disks[5]")]
    [InlineData("$.disks[-9]")]
    [InlineData("$.disks[?(@.mount=='/data')].used_pct")]
    [InlineData("$.name.deeper")]
    [InlineData("$.name[0]")]
    [InlineData("$.flags[?(@.x==1)]")]
    [InlineData("$.disks[?(@.nokey=='x')]")]
    public void Select_LeadingNowhere_IsNull(string path)
    {
        Assert.True(JsonPathQuery.TryParse(path, out var query, out var error), error);
        using var doc = JsonDocument.Parse(Report);
        Assert.Null(query!.Select(doc.RootElement));
    }

    [Theory]
    [InlineData("", "must start with $")]
    [InlineData("disk_pct", "must start with $")]
    [InlineData("$.", "expected a name")]
    [InlineData("$.disks[", "is not closed")]
    [InlineData("$.disks[x]", "must be an index")]
    [InlineData("$.disks[?(@.mount)]", "must compare with == or !=")]
    [InlineData("$.disks[?(mount=='/')]", "left side must be @.key")]
    [InlineData("$.disks[?(@.mount==/)]", "is not a quoted string")]
    [InlineData("$.disks[?(@.mount==[1])]", "must be a string")]
    [InlineData("$.disks[?(@..a==1)]", "empty key")]
    [InlineData("$x", "unexpected 'x'")]
    public void TryParse_RefusesBadPaths(string path, string expected)
    {
        Assert.False(JsonPathQuery.TryParse(path, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
