using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Cli;

/// <summary>The seed README's operator flow, driven by the real <c>outpost</c> CLI against a real server.</summary>
public sealed class CliSeedFlowTests
{
    private const string Mac = "AF:14:B9:00:50:2C";
    private const string Install = "{\"install\": [{\"name\": \"test_app.v1.tar.gz\"}]}";

    [Fact]
    public async Task SeedFlow_CreateAddActivateWriteRead_WorksByCli()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory();
        var cli = OutpostCli.For(cloud, temp);

        var created = await cli.RunAsync("product", "create", "Seed gateways", "--template", "gateway");
        Assert.True(created.ExitCode == 0, created.ToString());
        var pid = created.Stdout.Trim();
        Assert.Matches("^[a-z0-9]{6,32}$", pid);

        var added = await cli.RunAsync("device", "add", pid, Mac, "rack/7", "--tag", "site=lab");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains("added 2", added.Stdout, StringComparison.Ordinal);

        var cik = await cloud.ActivateAsync(pid, Mac);

        // A gateway waiting on engine_fetch is woken by the CLI's write.
        using var device = new HttpClient { BaseAddress = cloud.BaseAddress };
        using var poll = new HttpRequestMessage(HttpMethod.Get, "/onep:v1/stack/alias?engine_fetch");
        poll.Headers.Add("X-Exosite-CIK", cik);
        poll.Headers.Add("Request-Timeout", "30000");
        var pollTask = device.SendAsync(poll);

        var written = await cli.RunAsync("device", "write", pid, Mac, "engine_fetch", Install);
        Assert.True(written.ExitCode == 0, written.ToString());
        using var woken = await pollTask.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, woken.StatusCode);
        Assert.Equal("engine_fetch=" + Uri.EscapeDataString(Install), await woken.Content.ReadAsStringAsync());

        var latest = await cli.RunAsync("device", "read", pid, Mac, "engine_fetch", "--json");
        Assert.True(latest.ExitCode == 0, latest.ToString());
        Assert.Equal(Install, latest.Json().GetProperty("engine_fetch").GetProperty("value").GetString());

        var table = await cli.RunAsync("device", "read", pid, Mac);
        Assert.Contains(Install, table.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, (await cli.RunAsync("device", "write", pid, Mac, "engine_fetch", "second, with \"quotes\"", "--raw")).ExitCode);
        var csv = await cli.RunAsync("device", "read", pid, Mac, "engine_fetch", "--csv");
        Assert.True(csv.ExitCode == 0, csv.ToString());
        var lines = csv.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ts,time,value", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.EndsWith(",\"second, with \"\"quotes\"\"\"", lines[1], StringComparison.Ordinal);

        var history = await cli.RunAsync("device", "read", pid, Mac, "engine_fetch", "--history", "--limit", "1", "--json");
        Assert.Equal("second, with \"quotes\"", Assert.Single(history.Json().EnumerateArray()).GetProperty("value").GetString());

        var activated = await cli.RunAsync("device", "list", pid, "--status", "activated", "--tag", "site=lab", "--json");
        Assert.Equal(Mac, Assert.Single(activated.Json().EnumerateArray()).GetProperty("serial").GetString());

        // A '/' in a serial travels as one escaped path segment.
        var slashed = await cli.RunAsync("device", "tag", pid, "rack/7", "row=3", "--remove", "site", "--json");
        Assert.True(slashed.ExitCode == 0, slashed.ToString());
        Assert.Equal("rack/7", slashed.Json().GetProperty("serial").GetString());
        var tags = slashed.Json().GetProperty("tags").EnumerateObject().Select(t => $"{t.Name}={t.Value.GetString()}");
        Assert.Equal(["row=3"], tags);

        var disabled = await cli.RunAsync("device", "disable", pid, "rack/7", "--json");
        Assert.Equal("disabled", disabled.Json().GetProperty("status").GetString());
        Assert.Equal(0, (await cli.RunAsync("device", "delete", pid, "rack/7")).ExitCode);
        var show = await cli.RunAsync("device", "show", pid, "rack/7");
        Assert.Equal(2, show.ExitCode);
        Assert.Equal($"outpost: no device rack/7 in product {pid}", Assert.Single(show.ErrorLines));
    }

    [Fact]
    public async Task Content_UploadThenListInfoDownload_IsByteEqual()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory();
        var cli = OutpostCli.For(cloud, temp);
        var pid = await cloud.CreateProductAsync();
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var source = temp.Combine("test_app.v1.tar.gz");
        await File.WriteAllBytesAsync(source, bytes);

        var upload = await cli.RunAsync("content", "upload", pid, source, "--meta", "first build");
        Assert.True(upload.ExitCode == 0, upload.ToString());
        Assert.Contains("uploaded test_app.v1.tar.gz", upload.Stdout, StringComparison.Ordinal);
        var again = await cli.RunAsync("content", "upload", pid, source, "--meta", "first build");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.StartsWith("replaced test_app.v1.tar.gz", again.Stdout, StringComparison.Ordinal);

        var list = await cli.RunAsync("content", "list", pid, "--json");
        var item = Assert.Single(list.Json().EnumerateArray());
        Assert.Equal("test_app.v1.tar.gz", item.GetProperty("id").GetString());
        Assert.Equal("application/gzip", item.GetProperty("content_type").GetString());

        var info = await cli.RunAsync("content", "info", pid, "test_app.v1.tar.gz", "--json");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), info.Json().GetProperty("sha256").GetString());
        Assert.Equal("first build", info.Json().GetProperty("meta").GetString());
        Assert.Equal(bytes.Length, info.Json().GetProperty("size").GetInt64());

        var target = temp.Combine("downloaded.bin");
        var download = await cli.RunAsync("content", "download", pid, "test_app.v1.tar.gz", "-o", target);
        Assert.True(download.ExitCode == 0, download.ToString());
        Assert.Equal(bytes, await File.ReadAllBytesAsync(target));
        Assert.False(File.Exists(target + ".part"));

        // -o DIR writes DIR/ID; a directory that does not exist is named before anything is fetched.
        var into = temp.Combine("into");
        Directory.CreateDirectory(into);
        var toDirectory = await cli.RunAsync("content", "download", pid, "test_app.v1.tar.gz", "-o", into);
        Assert.True(toDirectory.ExitCode == 0, toDirectory.ToString());
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(into, "test_app.v1.tar.gz")));
        var nowhere = temp.Combine("nosuchdir", "x.bin");
        var missing = await cli.RunAsync("content", "download", pid, "test_app.v1.tar.gz", "-o", nowhere);
        Assert.Equal((1, $"outpost: cannot write {nowhere}: directory {temp.Combine("nosuchdir")} does not exist"), (missing.ExitCode, missing.Stderr.Trim()));

        Assert.Equal(0, (await cli.RunAsync("content", "delete", pid, "test_app.v1.tar.gz")).ExitCode);
        Assert.Empty((await cli.RunAsync("content", "list", pid, "--json")).Json().EnumerateArray());
    }

    [Fact]
    public async Task DeviceAdd_FromFile_SkipsCommentsAndBlankLines()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory();
        var cli = OutpostCli.For(cloud, temp);
        var pid = await cloud.CreateProductAsync();
        var file = temp.Combine("serials.txt");
        await File.WriteAllTextAsync(file, "# batch 7\nsn-001\n\n  sn-002  \r\n# sn-003 withdrawn\nsn-001\n");

        var added = await cli.RunAsync("device", "add", pid, "sn-000", "--file", file, "--tag", "batch=7", "--json");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Equal(["sn-000", "sn-001", "sn-002"], added.Json().GetProperty("added").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal));

        var piped = await cli.RunWithInputAsync("# from stdin\nsn-100\nsn-101\n", "device", "add", pid, "--file", "-", "--tag", "batch=7", "--json");
        Assert.True(piped.ExitCode == 0, piped.ToString());
        Assert.Equal(2, piped.Json().GetProperty("added").GetArrayLength());

        var listed = await cli.RunAsync("device", "list", pid, "--tag", "batch=7", "--json");
        Assert.Equal(5, listed.Json().GetArrayLength());
    }

    [Fact]
    public async Task DeviceList_AFullPageSaysSoOnStderr_AndAfterGivesTheNextPage()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory();
        var cli = OutpostCli.For(cloud, temp);
        var pid = await cloud.CreateProductAsync();
        await cloud.AddDevicesAsync(pid, "sn-1", "sn-2", "sn-3");

        var first = await cli.RunAsync("device", "list", pid, "--limit", "2", "--json");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(["sn-1", "sn-2"], first.Json().EnumerateArray().Select(d => d.GetProperty("serial").GetString()));
        Assert.Equal(["2 devices shown, the most one page holds; the next page: --after sn-2"], first.ErrorLines);

        var next = await cli.RunAsync("device", "list", pid, "--limit", "2", "--after", "sn-2");
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Contains("sn-3", next.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("sn-2", next.Stdout, StringComparison.Ordinal);
        Assert.Empty(next.ErrorLines);
    }

    [Fact]
    public async Task Products_CloneAliasesAndDelete_WorkByCli()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory();
        var cli = OutpostCli.For(cloud, temp);
        var pid = await cloud.CreateProductAsync();
        var stagingId = "stg" + pid[1..10];

        var alias = await cli.RunAsync("product", "alias", "add", pid, "temperature", "--format", "number", "--settable");
        Assert.True(alias.ExitCode == 0, alias.ToString());
        var clone = await cli.RunAsync("product", "clone", pid, stagingId, "--name", "Staging", "--staging-of", pid);
        Assert.True(clone.ExitCode == 0, clone.ToString());
        Assert.Equal(stagingId, clone.Stdout.Trim());

        var shown = (await cli.RunAsync("product", "show", stagingId, "--json")).Json();
        Assert.Equal(pid, shown.GetProperty("staging_of").GetString());
        Assert.Contains(shown.GetProperty("resources").EnumerateArray(), r => r.GetProperty("alias").GetString() == "temperature");

        Assert.Equal(0, (await cli.RunAsync("product", "alias", "rm", stagingId, "temperature")).ExitCode);
        var aliases = (await cli.RunAsync("product", "alias", "list", stagingId, "--json")).Json();
        Assert.DoesNotContain(aliases.EnumerateArray(), r => r.GetProperty("alias").GetString() == "temperature");

        // Without --yes and without a terminal, delete refuses and changes nothing.
        var refused = await cli.RunAsync("product", "delete", stagingId);
        Assert.Equal(1, refused.ExitCode);
        Assert.Single(refused.ErrorLines);
        Assert.Equal(0, (await cli.RunAsync("product", "delete", stagingId, "--yes")).ExitCode);
        var products = (await cli.RunAsync("product", "list", "--json")).Json();
        Assert.Equal([pid], products.EnumerateArray().Select(p => p.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Tokens_CreateUseRevoke_RolesAreEnforced()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory();
        var admin = OutpostCli.For(cloud, temp);
        var pid = await cloud.CreateProductAsync();

        var created = await admin.RunAsync("token", "create", "dashboard", "--role", "viewer", "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var secret = created.Json().GetProperty("token").GetString()!;
        var id = created.Json().GetProperty("id").GetString()!;

        var viewer = new OutpostCli(cloud.BaseAddress, secret, temp.Combine("viewer.json"));
        Assert.Equal(0, (await viewer.RunAsync("product", "show", pid)).ExitCode);
        var refused = await viewer.RunAsync("device", "add", pid, "sn-1");
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal("outpost: this needs a token with role operator or above", Assert.Single(refused.ErrorLines));

        var tokens = (await admin.RunAsync("token", "list", "--json")).Json();
        Assert.Contains(tokens.EnumerateArray(), t => t.GetProperty("id").GetString() == id && t.GetProperty("role").GetString() == "viewer");
        Assert.Equal(0, (await admin.RunAsync("token", "revoke", id)).ExitCode);
        var revoked = await viewer.RunAsync("product", "list");
        Assert.Equal(2, revoked.ExitCode);
        Assert.StartsWith("outpost: missing or invalid token", Assert.Single(revoked.ErrorLines), StringComparison.Ordinal);
    }
}
