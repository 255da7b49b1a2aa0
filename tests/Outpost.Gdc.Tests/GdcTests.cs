using System.Net.Http.Json;
using System.Text.Json;
using Outpost.Device;
using Outpost.Testing;

namespace Outpost.Gdc.Tests;

/// <summary>gdc as a child process against a real cloud node on loopback: output and exit codes.</summary>
public sealed class GdcTests
{
    private static async Task<(TestCloud Cloud, string Product, string Serial, string Cik)> DeviceAsync()
    {
        var cloud = await TestCloud.StartAsync();
        var product = await cloud.CreateProductAsync();
        var serial = "gw-" + Guid.NewGuid().ToString("N")[..8];
        var cik = await cloud.ProvisionAsync(product, serial);
        await cloud.AddAliasAsync(product, "test");
        return (cloud, product, serial, cik);
    }

    private static string Host(TestCloud cloud) => cloud.BaseAddress.ToString();

    [Fact]
    public async Task WriteThenRead_PrintsAliasEqualsValueLines()
    {
        var (cloud, _, _, cik) = await DeviceAsync();
        await using var _ = cloud;

        // "@home": an argument starting with @ is a value, not a response file to expand.
        var write = await GdcProcess.RunAsync("write", "--host", Host(cloud), "--cik", cik, "test", "a&b=c%d+e", "fetch_status", "Grüße", "device_info", "@home");
        var read = await GdcProcess.RunAsync("read", "--host", Host(cloud), "--cik", cik, "test", "fetch_status", "device_info");

        Assert.True(write.ExitCode == 0, write.ToString());
        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Equal("test=a&b=c%d+e\nfetch_status=Grüße\ndevice_info=@home\n", read.Stdout.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Write_SeedPositionalCikForm_WritesWithThatCik()
    {
        var (cloud, _, _, cik) = await DeviceAsync();
        await using var _ = cloud;
        var env = new Dictionary<string, string> { ["GDC_HOST"] = Host(cloud) };

        var write = await GdcProcess.RunAsync(env, "write", cik, "test", "42");
        var read = await GdcProcess.RunAsync(env, "read", "--cik", cik, "--json", "test");

        Assert.True(write.ExitCode == 0, write.ToString());
        Assert.Equal("42", JsonDocument.Parse(read.Stdout).RootElement.GetProperty("test").GetString());
    }

    [Fact]
    public async Task Activate_WithCfg_PrintsAndSavesCik_ThenIsIdempotent()
    {
        await using var cloud = await TestCloud.StartAsync();
        var product = await cloud.CreateProductAsync();
        await cloud.AddDevicesAsync(product, "AF:14:B9:00:50:2C");
        await cloud.AddAliasAsync(product, "test");
        using var dir = new TempDirectory();
        var cfg = dir.Combine("app.cfg");
        await File.WriteAllTextAsync(cfg, $"[device]\ncik = ''\nmodel = {product}\nvendor = {product}\nuuid = AF:14:B9:00:50:2C\niface = ''\nhost = {Host(cloud)}\n");

        var first = await GdcProcess.RunAsync("activate", "--cfg", cfg);
        var again = await GdcProcess.RunAsync("activate", "--cfg", cfg);
        var write = await GdcProcess.RunAsync(new Dictionary<string, string> { ["GDC_CFG"] = cfg }, "write", "test", "from-cfg");

        Assert.True(first.ExitCode == 0, first.ToString());
        var cik = first.Stdout.Trim();
        Assert.Matches("^[0-9a-f]{40}$", cik);
        Assert.Equal(cik, (await DeviceIdentity.LoadAsync(cfg)).Cik);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(cik, again.Stdout.Trim());
        // The saved CIK is the one gdc then writes with.
        Assert.True(write.ExitCode == 0, write.ToString());
        Assert.Equal(["from-cfg"], (await cloud.HistoryAsync(product, "AF:14:B9:00:50:2C", "test")).Select(h => h.Value));
    }

    [Fact]
    public async Task Cfg_MalformedCik_SaysMalformedNotMissing()
    {
        using var dir = new TempDirectory();
        var cfg = dir.Combine("app.cfg");
        await File.WriteAllTextAsync(cfg, "[device]\ncik = garbage\nmodel = p\nhost = http://127.0.0.1:9/\n");

        var read = await GdcProcess.RunAsync("read", "test", "--cfg", cfg);

        Assert.Equal(1, read.ExitCode);
        Assert.Equal($"gdc: {cfg}: cik is malformed: a CIK is 40 hex characters (or '' before activation)", read.Stderr.Trim());
    }

    [Fact]
    public async Task ContentGet_IntoAMissingDirectory_IsOneLineNamingIt()
    {
        using var dir = new TempDirectory();
        var missing = dir.Combine("missing");

        var get = await GdcProcess.RunAsync("content", "get", "app.v1.tar.gz", "-o", missing + "/", "--host", "http://127.0.0.1:9/", "--cik", new string('a', 40), "--model", "p");

        Assert.Equal(1, get.ExitCode);
        Assert.Equal($"gdc: -o {missing}/: directory {missing} does not exist", get.Stderr.Trim());
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task Activate_UnknownSerial_ExitsWithAuthFailure()
    {
        await using var cloud = await TestCloud.StartAsync();
        var product = await cloud.CreateProductAsync();

        var run = await GdcProcess.RunAsync("activate", "--host", Host(cloud), "--model", product, "--serial", "not-listed");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("404", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activate_SerialAlreadyActivated_ExitsWithAuthFailure()
    {
        var (cloud, product, serial, _) = await DeviceAsync();
        await using var _ = cloud;

        var run = await GdcProcess.RunAsync("activate", "--host", Host(cloud), "--vendor", product, "--model", product, "--serial", serial);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("409", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_WrongCik_ExitsWithAuthFailure()
    {
        await using var cloud = await TestCloud.StartAsync();

        var run = await GdcProcess.RunAsync("read", "--host", Host(cloud), "--cik", new string('b', 40), "engine_fetch");

        Assert.True(run.ExitCode == 2, run.ToString());
    }

    [Fact]
    public async Task Write_NoServer_ExitsWithNetworkFailure()
    {
        var port = CloudProcess.FreePort();

        var run = await GdcProcess.RunAsync("write", "--host", $"http://127.0.0.1:{port}", "--cik", new string('c', 40), "--retries", "1", "test", "1");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("2 attempt(s)", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("write", "test")]
    [InlineData("write", "a", "b", "c")]
    [InlineData("record", "test", "notatime=1")]
    [InlineData("wait", "test", "--timeout", "301")]
    [InlineData("nosuchcommand")]
    public async Task BadArguments_ExitWithUsageError(params string[] args)
    {
        var run = await GdcProcess.RunAsync([.. args, "--host", "http://127.0.0.1:9", "--cik", new string('d', 40)]);

        Assert.True(run.ExitCode == 1, run.ToString());
    }

    [Theory]
    [InlineData("gdc: Required argument missing for command: 'write'. (see gdc write -h)", "write")]
    [InlineData("gdc: Cannot parse argument 'abc' for option '--timeout' as a number. (see gdc wait -h)", "wait", "test", "--timeout", "abc")]
    [InlineData("gdc: Unrecognized command or argument 'nosuchcommand'. (see gdc -h)", "nosuchcommand")]
    public async Task CommandLineThatDoesNotParse_IsOneLineNamingIt(string line, params string[] args)
    {
        var run = await GdcProcess.RunAsync([.. args, "--host", "http://127.0.0.1:9", "--cik", new string('d', 40)]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(line + "\n", run.Stderr);
    }

    [Fact]
    public async Task Wait_NoChangeBeforeTimeout_ExitsWithFour()
    {
        var (cloud, _, _, cik) = await DeviceAsync();
        await using var _ = cloud;

        var run = await GdcProcess.RunAsync("wait", "--host", Host(cloud), "--cik", cik, "engine_fetch", "--timeout", "0.3");

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Equal(string.Empty, run.Stdout);
    }

    [Fact]
    public async Task Wait_ValueWrittenSince_PrintsIt()
    {
        var (cloud, product, serial, cik) = await DeviceAsync();
        await using var _ = cloud;
        var since = (await GdcProcess.RunAsync("timestamp", "--host", Host(cloud))).Stdout.Trim();
        using var write = await cloud.Admin.PostAsJsonAsync($"api/v1/products/{product}/devices/{serial}/values", new Dictionary<string, string> { ["engine_fetch"] = "reboot&now" });
        write.EnsureSuccessStatusCode();

        var run = await GdcProcess.RunAsync("wait", "--host", Host(cloud), "--cik", cik, "engine_fetch", "--since", since, "--timeout", "30");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("engine_fetch=reboot&now", run.Stdout.Trim());
    }

    [Fact]
    public async Task Record_ThenContentGet_Work()
    {
        var (cloud, product, serial, cik) = await DeviceAsync();
        await using var _ = cloud;
        var bytes = new byte[70_000];
        Random.Shared.NextBytes(bytes);
        using (var upload = await cloud.Admin.PutAsync($"api/v1/products/{product}/content/test_app.v1.tar.gz", new ByteArrayContent(bytes)))
        {
            upload.EnsureSuccessStatusCode();
        }

        using var dir = new TempDirectory();
        var target = dir.Combine("dl", "app.tar.gz");
        var common = new[] { "--host", Host(cloud), "--cik", cik, "--model", product };

        var record = await GdcProcess.RunAsync(["record", "test", "1500000000=1", "1500000060=a b", .. common]);
        var list = await GdcProcess.RunAsync(["content", "list", .. common]);
        var info = await GdcProcess.RunAsync(["content", "info", "test_app.v1.tar.gz", .. common]);
        var infoJson = await GdcProcess.RunAsync(["content", "info", "test_app.v1.tar.gz", "--json", .. common]);
        var get = await GdcProcess.RunAsync(["content", "get", "test_app.v1.tar.gz", "-o", target, .. common]);
        var missing = await GdcProcess.RunAsync(["content", "get", "absent.tar.gz", "-o", dir.Combine("absent"), .. common]);
        // -o naming a directory (as wget -P, or a shell's `cp x dir/`) saves into it under the content id.
        var intoDirectory = await GdcProcess.RunAsync(["content", "get", "test_app.v1.tar.gz", "-o", dir.Combine("dl") + "/", .. common]);

        Assert.True(record.ExitCode == 0, record.ToString());
        Assert.Contains((1_500_000_060_000L, "a b"), await cloud.HistoryAsync(product, serial, "test"));
        Assert.Equal("test_app.v1.tar.gz", list.Stdout.Trim());
        Assert.Contains("size=70000", info.Stdout, StringComparison.Ordinal);
        using (var json = System.Text.Json.JsonDocument.Parse(infoJson.Stdout))
        {
            Assert.Equal(70000, json.RootElement.GetProperty("size").GetInt64());
            Assert.Equal(System.Text.Json.JsonValueKind.Number, json.RootElement.GetProperty("updated").ValueKind);
        }

        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal(target, get.Stdout.Trim());
        Assert.Equal(bytes, await File.ReadAllBytesAsync(target));
        Assert.Equal(1, missing.ExitCode);
        Assert.False(File.Exists(dir.Combine("absent")));
        Assert.True(intoDirectory.ExitCode == 0, intoDirectory.ToString());
        Assert.Equal(dir.Combine("dl", "test_app.v1.tar.gz"), intoDirectory.Stdout.Trim());
        Assert.Equal(bytes, await File.ReadAllBytesAsync(dir.Combine("dl", "test_app.v1.tar.gz")));
    }
}
