using System.Net;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Cli;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_OnAPortInUse_ExitsOneWithOneLine_AndLeavesTheFirstAdminTokenToTheStartThatListens()
    {
        using var temp = new TempDirectory("outpost-serve");
        var cli = new OutpostCli(new Uri("http://127.0.0.1:1"), null, temp.Combine("config.json"));
        CliResult result;
        int port;
        using (CloudProcess.HoldPort(out port))
        {
            result = await cli.RunRawAsync(["serve", "--urls", $"http://127.0.0.1:{port}", "--data", temp.Combine("data")], new Dictionary<string, string>());
        }

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"outpost: cannot listen on http://127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("opt_", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Consumer", result.Stdout, StringComparison.Ordinal); // nothing ran, nothing to report

        // The same data directory on a free port, no OUTPOST_ADMIN_TOKEN: this start shows the admin token, and it works.
        await using var server = await CloudProcess.StartAsync(temp.Combine("data"), "");
        Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(30)));
        var token = System.Text.RegularExpressions.Regex.Match(server.Output, @"Admin token \(shown once; store it now\):\s+(opt_\S+)");
        Assert.True(token.Success, server.Output);
        await using var again = await CloudProcess.StartAsync(temp.Combine("data"), "");
        using var client = new HttpClient { BaseAddress = again.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Groups[1].Value);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/v1/products")).StatusCode);
    }

    [Fact]
    public async Task Serve_ServingAndStoppingOnSigterm_PrintsNoDebugOrTraceLog()
    {
        using var temp = new TempDirectory("outpost-serve");
        await using var server = await CloudProcess.StartAsync(temp.Combine("data"), "opt_serve_" + Guid.NewGuid().ToString("N"));
        using (var client = new HttpClient { BaseAddress = server.BaseAddress })
        {
            (await client.GetAsync("api/v1/openapi.json")).EnsureSuccessStatusCode();
        }

        Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(30)));
        var output = server.Output;
        Assert.Contains(" listening on ", output, StringComparison.Ordinal);
        Assert.DoesNotMatch("(?m)^([0-9:]+ )?(dbug|trce): ", output);
    }

    [Fact]
    public async Task Serve_OnADataDirectoryAnotherNodeUses_ExitsOneWithOneLine_AndLeavesItsUploadsAlone()
    {
        using var temp = new TempDirectory("outpost-serve");
        var data = temp.Combine("data");
        await using var first = await CloudProcess.StartAsync(data, "opt_first_" + Guid.NewGuid().ToString("N"));

        // What a start sweeps as crash leftovers is, for the running node, an upload in flight.
        var inFlight = Path.Combine(data, "content", "someproduct1", ".upload-0123456789abcdef");
        Directory.CreateDirectory(Path.GetDirectoryName(inFlight)!);
        await File.WriteAllTextAsync(inFlight, "half an upload");
        var cli = new OutpostCli(new Uri("http://127.0.0.1:1"), null, temp.Combine("config.json"));

        var second = await cli.RunRawAsync(["serve", "--urls", $"http://127.0.0.1:{CloudProcess.FreePort()}", "--data", data], new Dictionary<string, string>());

        Assert.Equal(1, second.ExitCode);
        Assert.Equal(
            $"outpost: cannot open data directory {data}: it is in use by another outpost node (one node per data directory)",
            Assert.Single(second.ErrorLines));
        Assert.True(File.Exists(inFlight), "the second start swept the running node's content area");
        using var client = new HttpClient { BaseAddress = first.BaseAddress };
        (await client.GetAsync("timestamp")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Serve_DataPathThatIsAFile_ExitsOneWithOneLine()
    {
        using var temp = new TempDirectory("outpost-serve");
        var file = temp.Combine("not-a-dir");
        await File.WriteAllTextAsync(file, "x");
        var cli = new OutpostCli(new Uri("http://127.0.0.1:1"), null, temp.Combine("config.json"));

        var result = await cli.RunRawAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", file], new Dictionary<string, string>());

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"outpost: cannot open data directory {file}: it is a file, not a directory", Assert.Single(result.ErrorLines));
    }

    [Theory]
    [InlineData("notaurl", "outpost: --urls: 'notaurl' is not an address to listen on")]
    [InlineData("http://127.0.0.1:99999", "outpost: --urls: 'http://127.0.0.1:99999' is not an address to listen on")]
    [InlineData("ftp://127.0.0.1:2121", "outpost: --urls: 'ftp://127.0.0.1:2121' is not an address to listen on")]
    [InlineData("http://127.0.0.1:0;bad", "outpost: --urls: 'bad' is not an address to listen on")]
    [InlineData("http://192.0.2.1:8080", "outpost: cannot listen on http://192.0.2.1:8080")]
    public async Task Serve_AnAddressItCannotListenOn_ExitsOneWithOneLine(string urls, string line)
    {
        // 192.0.2.1 (TEST-NET-1) is an address this machine does not have: the socket refuses it, not the parser.
        using var temp = new TempDirectory("outpost-serve");
        var cli = new OutpostCli(new Uri("http://127.0.0.1:1"), null, temp.Combine("config.json"));

        var result = await cli.RunRawAsync(["serve", "--urls", urls, "--data", temp.Combine("data")], new Dictionary<string, string>());

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith(line, Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("0s")]
    [InlineData("400d")]
    public async Task Serve_MaxClockSkewThatIsNoDurationInRange_ExitsOneWithOneLine_AndCreatesNothing(string skew)
    {
        using var temp = new TempDirectory("outpost-serve");
        var cli = new OutpostCli(new Uri("http://127.0.0.1:1"), null, temp.Combine("config.json"));

        var result = await cli.RunRawAsync(["serve", "--urls", "http://127.0.0.1:0", "--max-clock-skew", skew, "--data", temp.Combine("data")], new Dictionary<string, string>());

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"outpost: --max-clock-skew must be a duration from 1s to 365d (e.g. 24h), not '{skew}'", Assert.Single(result.ErrorLines));
        Assert.False(Directory.Exists(temp.Combine("data")));
    }
}
