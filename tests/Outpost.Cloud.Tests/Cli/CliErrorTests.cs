using Outpost.Testing;

namespace Outpost.Cloud.Tests.Cli;

/// <summary>Bad input: each exits non-zero with one line on stderr, no stack trace, and changes nothing.</summary>
public sealed class CliErrorTests
{
    [Fact]
    public async Task BadInputs_EachExitNonZero_WithOneLine_AndChangeNothing()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory();
        var cli = OutpostCli.For(cloud, temp);
        var pid = await cloud.CreateProductAsync();

        await AssertFailsAsync(cli, ["product", "show", "nosuchproduct"], 2, "outpost: no product nosuchproduct");
        await AssertFailsAsync(cli, ["device", "add", "nosuchproduct", "sn-1"], 2, "outpost: no product nosuchproduct");
        await AssertFailsAsync(cli, ["product", "create", "Bad", "--id", "AB"], 2, "outpost: product id 'AB' must be 6-32 lowercase letters and digits");
        await AssertFailsAsync(cli, ["product", "create", "Twin", "--id", pid], 2, $"outpost: product {pid} already exists");
        await AssertFailsAsync(cli, ["device", "write", pid, "nosuchdevice", "engine_fetch", "{\"report\": {}}"], 2, $"outpost: no device nosuchdevice in product {pid}");
        await AssertFailsAsync(cli, ["content", "upload", pid, temp.Combine("missing.tar.gz")], 1, $"outpost: file {temp.Combine("missing.tar.gz")} does not exist");
        // Refused before the body is read: the answer arrives instead of a broken pipe mid-upload.
        var large = temp.Combine("large.bin");
        await File.WriteAllBytesAsync(large, new byte[4 * 1024 * 1024]);
        await AssertFailsAsync(cli, ["content", "upload", "nosuchproduct", large], 2, "outpost: no product nosuchproduct");
        await AssertFailsAsync(cli, ["content", "upload", pid, large, "--id", ".hidden"], 2,
            "outpost: content id '.hidden' must be a file name: 1-128 letters, digits, '_', '-' or '.', not starting with '.'");
        await AssertFailsAsync(cli, ["device", "add", pid, "--file", temp.Combine("missing.txt")], 1, $"outpost: serial file {temp.Combine("missing.txt")} does not exist");
        await AssertFailsAsync(cli, ["device", "add", pid, "sn-1", "--tag", "novalue"], 1, "outpost: tag 'novalue' must look like key=value");
        await AssertFailsAsync(cli, ["content", "upload", pid, temp.Path], 1, $"outpost: file {temp.Path} is a directory, not a file");
        await AssertFailsAsync(cli, ["device", "add", pid, "--file", temp.Path], 1, $"outpost: serial file {temp.Path} is a directory, not a file");
        await AssertFailsAsync(cli, ["rule", "create", pid, "--file", temp.Path], 1, $"outpost: rule file {temp.Path} is a directory, not a file");
        await AssertFailsAsync(cli, ["device", "read", pid, "sn-1", "a", "b", "--history"], 1, "outpost: history reads exactly one alias: outpost device read PID SN ALIAS --history");
        await AssertFailsAsync(cli, ["device", "read", pid, "sn-1", "a", "--from", "yesterday"], 1,
            "outpost: --from 'yesterday' is not a time: ISO-8601 (2026-11-24T10:00Z), epoch seconds or ms, or relative like -15m, -2h, -7d");

        // Usage errors: exit 1, one line naming the problem and where help is.
        await AssertFailsAsync(cli, ["token", "create", "ci", "--role", "superuser"], 1,
            "outpost: --role must be admin, operator or viewer, not 'superuser' (see outpost token create -h)");
        await AssertFailsAsync(cli, ["product", "creat", "x"], 1, "outpost: Unrecognized command or argument 'creat'. (see outpost product -h)");
        await AssertFailsAsync(cli, ["device", "read", pid, "sn-1", "a", "--limit", "abc"], 1,
            "outpost: Cannot parse argument 'abc' for option '--limit' as a whole number. (see outpost device read -h)");

        var badToken = new OutpostCli(cloud.BaseAddress, "opt_wrong", temp.Combine("other.json"));
        await AssertFailsAsync(badToken, ["product", "list"], 2, "outpost: missing or invalid token: send Authorization: Bearer <token>");
        await AssertFailsAsync(new OutpostCli(cloud.BaseAddress, null, temp.Combine("none.json")), ["product", "list"], 1,
            "outpost: no API token: pass --token, set OUTPOST_TOKEN, or run 'outpost login'");

        // Nothing above changed anything.
        var products = (await cli.RunAsync("product", "list", "--json")).Json();
        Assert.Equal([pid], products.EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Equal(0, products[0].GetProperty("device_count").GetInt32());
        Assert.Empty((await cli.RunAsync("content", "list", pid, "--json")).Json().EnumerateArray());
        Assert.Single((await cli.RunAsync("token", "list", "--json")).Json().EnumerateArray());
    }

    [Fact]
    public async Task WriteEngineFetch_CommandGweWouldRefuse_IsRefusedUnlessRaw()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory();
        var cli = OutpostCli.For(cloud, temp);
        var pid = await cloud.CreateProductAsync();
        Assert.Equal(0, (await cli.RunAsync("device", "add", pid, "gw-1")).ExitCode);

        await AssertFailsAsync(cli, ["device", "write", pid, "gw-1", "engine_fetch", "not json"], 1,
            "outpost: engine_fetch is not valid JSON (at character 2): 'not json' is an invalid JSON literal. Expected the literal 'null'. (gwe would refuse it; --raw writes it anyway)");
        await AssertFailsAsync(cli, ["device", "write", pid, "gw-1", "engine_fetch", "{\"instal\": [{\"name\": \"a.v1.tar.gz\"}]}"], 1,
            "outpost: unknown command 'instal': use install, uninstall, start, stop, restart, rollback or report (gwe would refuse it; --raw writes it anyway)");
        Assert.Empty(await cloud.HistoryAsync(pid, "gw-1", "engine_fetch"));

        var raw = await cli.RunAsync("device", "write", pid, "gw-1", "engine_fetch", "not json", "--raw");
        // Only engine_fetch carries gwe's command language; other aliases are written as given — even a value that
        // starts with @ (System.CommandLine would have read it as a response file).
        var other = await cli.RunAsync("device", "write", pid, "gw-1", "update_interval", "@hourly");

        Assert.True(raw.ExitCode == 0, raw.ToString());
        Assert.True(other.ExitCode == 0, other.ToString());
        Assert.Equal("not json", Assert.Single(await cloud.HistoryAsync(pid, "gw-1", "engine_fetch")).Value);
        Assert.Equal("@hourly", Assert.Single(await cloud.HistoryAsync(pid, "gw-1", "update_interval")).Value);
    }

    [Fact]
    public async Task AliasRm_WhileAnEnabledRuleUsesIt_IsOneLineNamingTheRules_EvenWithPurge()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory();
        var cli = OutpostCli.For(cloud, temp);
        var pid = await cloud.CreateProductAsync("empty");
        await cloud.AddAliasAsync(pid, "control");
        await cloud.AddAliasAsync(pid, "pending");
        await Rules.RuleHarness.CreateRuleAsync(cloud, pid, """
            {"name": "power-command", "mode": "event", "alias": "control", "op": "==", "value": "power=off", "actions": [{"write": {"alias": "pending", "value": "{{value}}"}}]}
            """);

        await AssertFailsAsync(cli, ["product", "alias", "rm", pid, "pending", "--purge"], 2,
            "outpost: alias pending is used by rules power-command; disable or change them first");
        Assert.Contains("pending", (await cli.RunAsync("product", "alias", "list", pid, "--json")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusals_NameTheCommandsFlagsAndTheIdsAsTyped_AndOutOfRangeNumbersAreUsageErrors()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory();
        var cli = OutpostCli.For(cloud, temp);
        var pid = await cloud.CreateProductAsync();
        await cloud.AddAliasAsync(pid, "temp", settable: false);
        var cik = await cloud.ProvisionAsync(pid, "gw-1");
        await Rules.RuleHarness.DeviceWriteAsync(cloud, cik, "temp=1");
        var file = temp.Combine("app.tar.gz");
        await File.WriteAllTextAsync(file, "x");

        await AssertFailsAsync(cli, ["product", "alias", "rm", pid, "temp"], 2, "outpost: alias temp has values; remove it with --purge to delete them too");
        await AssertFailsAsync(cli, ["product", "create", "  "], 1, "outpost: give the product a name: outpost product create NAME");
        await AssertFailsAsync(cli, ["content", "upload", pid, file, "--id", "bad/id"], 2,
            "outpost: content id 'bad/id' must be a file name: 1-128 letters, digits, '_', '-' or '.', not starting with '.'");
        await AssertFailsAsync(cli, ["token", "revoke", "../x"], 2, "outpost: no active token ../x");
        await AssertFailsAsync(cli, ["product", "show", "a/b"], 2, "outpost: no product a/b");
        await AssertFailsAsync(cli, ["device", "read", pid, "gw-1", "temp", "--limit", "0"], 1, "outpost: --limit must be 1-1000000, not 0 (see outpost device read -h)");
        await AssertFailsAsync(cli, ["device", "list", pid, "--limit", "100001"], 1, "outpost: --limit must be 1-100000, not 100001 (see outpost device list -h)");
        await AssertFailsAsync(cli, ["fleet", pid, "--limit", "0"], 1, "outpost: --limit must be 1-100000, not 0 (see outpost fleet -h)");

        // Nothing above changed anything: the alias and its value are there, the product list holds only pid.
        Assert.Contains("temp", (await cli.RunAsync("product", "alias", "list", pid, "--json")).Stdout, StringComparison.Ordinal);
        Assert.Equal([pid], (await cli.RunAsync("product", "list", "--json")).Json().EnumerateArray().Select(p => p.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task ServerDown_ExitsThree_WithTheConnectionLine()
    {
        using var temp = new TempDirectory();
        var port = CloudProcess.FreePort();
        var cli = new OutpostCli(new Uri($"http://127.0.0.1:{port}"), "opt_any", temp.Combine("config.json"));

        await AssertFailsAsync(cli, ["product", "list"], 3, $"outpost: cannot reach http://127.0.0.1:{port}: connection refused");
    }

    private static async Task AssertFailsAsync(OutpostCli cli, string[] args, int exitCode, string line)
    {
        var result = await cli.RunAsync(args);
        Assert.True(result.ExitCode == exitCode, $"outpost {string.Join(' ', args)}: {result}");
        Assert.Equal(line, Assert.Single(result.ErrorLines));
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }
}
