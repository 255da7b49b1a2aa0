using System.Runtime.Versioning;
using System.Security.Cryptography;
using Outpost.Device;
using Outpost.Gateway.Tests.Apps;
using Outpost.Gateway.Tests.Daemon;
using Outpost.Gateway.Tests.Gmq;
using Outpost.Testing;

namespace Outpost.Gateway.Tests.Release;

/// <summary>
/// <c>gwe --download-latest</c> against a real in-process cloud: an activated gateway whose product's content area holds
/// release packages; the command as gwe's Program runs it (and once as a real process, for the current directory).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DownloadLatestTests : IAsyncLifetime
{
    private readonly ScratchDirectory _dir = new();
    private TestCloud _cloud = null!;
    private CloudGateway _gateway = null!;

    private string Home => _dir["home"];

    private string Out => _dir["out"];

    public async Task InitializeAsync()
    {
        _cloud = await TestCloud.StartAsync();
        _gateway = await CloudGateway.CreateAsync(_cloud);
        var cik = await _cloud.ActivateAsync(_gateway.ProductId, _gateway.Serial);
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Out);
        await new DeviceIdentity { Vendor = _gateway.ProductId, Model = _gateway.ProductId, Uuid = _gateway.Serial, Host = _cloud.BaseAddress.ToString(), Cik = cik }
            .SaveAsync(Path.Join(Home, "Gateway.cfg"));
    }

    public async Task DisposeAsync()
    {
        await _cloud.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task GmqMaster_DownloadsTheNewestStablePackage_VerifiedIntoTheOutputDirectory()
    {
        await UploadAsync("GatewayEngine.v0.9.0.tar.gz", "GatewayEngine.v0.10.0.tar.gz", "GatewayEngine.v0.11.0-rc.1.tar.gz", "test_app.v1.tar.gz");

        var (output, code) = await GmqCli.RunAsync("--home", Home, "--download-latest", "gmq-master", "--output", Out);

        Assert.Equal(0, code);
        var saved = Path.Join(Out, "GatewayEngine.v0.10.0.tar.gz");
        Assert.Equal(saved + "\n", output);
        Assert.Equal(Body("GatewayEngine.v0.10.0.tar.gz"), await File.ReadAllBytesAsync(saved));
        Assert.Equal([saved], Directory.GetFiles(Out));
    }

    [Fact]
    public async Task GmqDev_DownloadsTheNewestIncludingPrereleases_ToTheFileNamed()
    {
        await UploadAsync("GatewayEngine.v0.9.0.tar.gz", "GatewayEngine.v0.10.0.tar.gz", "GatewayEngine.v0.11.0-rc.1.tar.gz");
        var file = Path.Join(Out, "engine.tgz");

        var (output, code) = await GmqCli.RunAsync("--home", Home, "--download-latest", "gmq-dev", "--output", file);

        Assert.Equal(0, code);
        Assert.Equal(file + "\n", output);
        Assert.Equal(Body("GatewayEngine.v0.11.0-rc.1.tar.gz"), await File.ReadAllBytesAsync(file));
    }

    [Fact]
    public async Task OutputDirectoryMissing_IsOneLineNamingIt_AndCreatesNothing()
    {
        await UploadAsync("GatewayEngine.v0.10.0.tar.gz");
        var missing = Path.Join(Out, "missing");

        var (output, code) = await GmqCli.RunAsync("--home", Home, "--download-latest", "gmq-master", "--output", missing + "/");

        Assert.Equal(1, code);
        Assert.Equal($"gwe: --output {missing}/: directory {missing} does not exist\n", output);
        Assert.Empty(Directory.GetFileSystemEntries(Out));
    }

    [Theory]
    [InlineData("baseline-master", "gwe: there is no baseline-master release area: Outpost builds one engine, with GMQ; the release areas are gmq-master (newest stable) and gmq-dev (newest, prereleases included)")]
    [InlineData("baseline-dev", "gwe: there is no baseline-dev release area: Outpost builds one engine, with GMQ; the release areas are gmq-master (newest stable) and gmq-dev (newest, prereleases included)")]
    [InlineData("nightly", "gwe: unknown release area 'nightly'; the release areas are gmq-master (newest stable) and gmq-dev (newest, prereleases included)")]
    public async Task UnknownOrBaselineArea_IsOneLine_AndDownloadsNothing(string area, string line)
    {
        await UploadAsync("GatewayEngine.v0.9.0.tar.gz");

        var (output, code) = await GmqCli.RunAsync("--home", Home, "--download-latest", area, "--output", Out);

        Assert.Equal(1, code);
        Assert.Equal(line + "\n", output);
        Assert.Empty(Directory.GetFileSystemEntries(Out));
    }

    [Fact]
    public async Task NothingMatching_IsOneLine_NamingTheProduct()
    {
        await UploadAsync("GatewayEngine.v1.0.0-rc.1.tar.gz", "test_app.v1.tar.gz");

        var (output, code) = await GmqCli.RunAsync("--home", Home, "--download-latest", "gmq-master", "--output", Out);

        Assert.Equal(1, code);
        Assert.Equal(
            $"gwe: no release package for gmq-master in product {_gateway.ProductId}'s content area: it holds no GatewayEngine.vVERSION.tar.gz with a stable VERSION (gmq-dev includes prereleases) (2 content file(s))\n",
            output);
        Assert.Empty(Directory.GetFileSystemEntries(Out));
    }

    [Fact]
    public async Task NotActivated_IsOneLine_AndAsksNothing()
    {
        await UploadAsync("GatewayEngine.v0.9.0.tar.gz");
        var cfg = Path.Join(Home, "Gateway.cfg");
        var identity = await DeviceIdentity.LoadAsync(cfg);
        await (identity with { Cik = null }).SaveAsync(cfg);

        var (output, code) = await GmqCli.RunAsync("--home", Home, "--download-latest", "gmq-master", "--output", Out);

        Assert.Equal(1, code);
        Assert.Equal($"gwe: not activated yet: {cfg} has no CIK to download with (gwe run or gwe -o activates)\n", output);
        Assert.Empty(Directory.GetFileSystemEntries(Out));
    }

    [Fact]
    public async Task NoProduct_IsOneLine()
    {
        var (output, code) = await GmqCli.RunAsync("--home", _dir["empty-home"], "--download-latest", "gmq-master", "--output", Out);

        Assert.Equal(1, code);
        Assert.Equal($"gwe: {_dir["empty-home/Gateway.cfg"]} names no product, so there is no release area to look in: run gwe --set-product-id PID\n", output);
    }

    [Fact]
    public async Task ContentCorruptedOnTheCloud_FailsTheSha256Check_AndSavesNothing()
    {
        await UploadAsync("GatewayEngine.v0.9.0.tar.gz");
        // The cloud serves the bytes on its disk with the sha256 it recorded at upload: flip one of them.
        var stored = Path.Join(_cloud.DataDirectory, "content", _gateway.ProductId, "GatewayEngine.v0.9.0.tar.gz");
        var bytes = await File.ReadAllBytesAsync(stored);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(stored, bytes);

        var (output, code) = await GmqCli.RunAsync("--home", Home, "--download-latest", "gmq-master", "--output", Out);

        Assert.Equal(1, code);
        Assert.StartsWith("gwe: --download-latest gmq-master: download of 'GatewayEngine.v0.9.0.tar.gz': sha256 ", output, StringComparison.Ordinal);
        Assert.EndsWith("; nothing was saved\n", output, StringComparison.Ordinal);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(Directory.GetFileSystemEntries(Out));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task EmptyOutput_IsOneLine_AndDownloadsNothing(string path)
    {
        await UploadAsync("GatewayEngine.v0.9.0.tar.gz");

        var (output, code) = await GmqCli.RunAsync("--home", Home, "--download-latest", "gmq-master", "--output", path);

        Assert.Equal(1, code);
        Assert.Equal("gwe: --output needs a file or directory path; it was empty\n", output);
        Assert.Empty(Directory.GetFileSystemEntries(Out));
    }

    [Fact]
    public async Task OutputWithoutDownloadLatest_IsRefused()
    {
        var (output, code) = await GmqCli.RunAsync("--home", Home, "--output", Out);

        Assert.Equal(1, code);
        Assert.Equal("gwe: --output only goes with --download-latest\n", output);
    }

    [Fact]
    public async Task RealProcess_SavesIntoTheCurrentDirectory_PathOnStdout_NoProgressBarWhenRedirected()
    {
        await UploadAsync("GatewayEngine.v0.9.0.tar.gz", "GatewayEngine.v0.10.0.tar.gz");

        var run = await Task.Run(() => ChildProcess.Capture("dotnet", Out, Path.Join(AppContext.BaseDirectory, "gwe.dll"), "--home", Home, "--download-latest", "gmq-master"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Stderr);
        var saved = Path.Join(Out, "GatewayEngine.v0.10.0.tar.gz");
        Assert.Equal(saved + "\n", run.Stdout);
        Assert.Equal(SHA256.HashData(Body("GatewayEngine.v0.10.0.tar.gz")), SHA256.HashData(await File.ReadAllBytesAsync(saved)));
    }

    // Each file's bytes differ, so a test can tell which one was downloaded.
    private static byte[] Body(string id) => System.Text.Encoding.UTF8.GetBytes($"package {id}\n" + new string('x', 100_000));

    private async Task UploadAsync(params string[] ids)
    {
        foreach (var id in ids)
        {
            var file = _dir[Path.Join("uploads", id)];
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllBytesAsync(file, Body(id));
            await _gateway.UploadAsync(file);
        }
    }
}
