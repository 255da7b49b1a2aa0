using System.Net;
using System.Net.Sockets;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Cli;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_OnAPortInUse_ExitsOneWithOneLine()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var temp = new TempDirectory("outpost-serve");
        var cli = new OutpostCli(new Uri("http://127.0.0.1:1"), null, temp.Combine("config.json"));

        var result = await cli.RunRawAsync(["serve", "--urls", $"http://127.0.0.1:{port}", "--data", temp.Combine("data")], new Dictionary<string, string>());

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"outpost: cannot listen on http://127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stdout, StringComparison.Ordinal);
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
        Assert.StartsWith("outpost: cannot open data directory", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
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
}
