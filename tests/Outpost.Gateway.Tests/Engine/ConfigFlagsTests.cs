using System.Runtime.Versioning;
using Outpost.Gateway.Engine;
using Outpost.Gateway.Tests.Apps;

namespace Outpost.Gateway.Tests.Engine;

/// <summary>The real <c>gwe</c> configuration flags, as the seed shows them, in a home of the test's own.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ConfigFlagsTests : IDisposable
{
    private static readonly string GweDll = Path.Join(AppContext.BaseDirectory, "gwe.dll");
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ChildProcess.Outcome Gwe(params string[] args) =>
        ChildProcess.Capture("dotnet", _dir.Path, [GweDll, "--home", _dir["home"], .. args]);

    [Fact]
    public void SetProductIdAndUuid_PrintsTheResultingGatewayCfg()
    {
        var run = Gwe("--set-product-id", "asdfiuyhj567uj", "--set-uuid", "SN-1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("[device]\ncik = ''\nmodel = asdfiuyhj567uj\nvendor = asdfiuyhj567uj\nuuid = SN-1\niface = ''\nhost = ''\n", run.Stdout);
        Assert.Equal(run.Stdout, Gwe("-g").Stdout);
    }

    [Theory]
    [InlineData("--set-product-id", "BAD ID")]
    [InlineData("--set-model", "")]
    [InlineData("--set-vendor", "ven\tdor")]
    public void SetProductIdModelOrVendor_NotOneWord_IsOneLine_AndNothingIsWritten(string flag, string value)
    {
        Assert.Equal(0, Gwe("--set-product-id", "asdfiuyhj567uj").ExitCode);
        var before = File.ReadAllText(_dir["home/Gateway.cfg"]);

        var run = Gwe(flag, value, "--set-uuid", "SN-2");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"gwe: {flag} needs one word without spaces, not '{value}'\n", run.Stderr);
        Assert.Equal(before, File.ReadAllText(_dir["home/Gateway.cfg"]));
    }

    [Theory]
    [InlineData("--set-uuid", "SN-3\nhost = http://evil.example/")]
    [InlineData("--set-host", "http://127.0.0.1:8080/\ncik = 0123456789012345678901234567890123456789")]
    [InlineData("--set-user-agent", "agent\nupdate_interval = 1")]
    [InlineData("--set-iface", "eth0\r")]
    public void Setter_ValueWithANewline_IsOneLine_AndNeitherFileIsWritten(string flag, string value)
    {
        Assert.Equal(0, Gwe("--set-product-id", "asdfiuyhj567uj", "-t", "60").ExitCode);
        var (cfg, conf) = (File.ReadAllText(_dir["home/Gateway.cfg"]), File.ReadAllText(_dir["home/engine.conf"]));

        var run = Gwe("-m", "other", "-t", "30", flag, value);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"gwe: {flag} must not contain control characters such as a newline\n", run.Stderr);
        Assert.Equal(cfg, File.ReadAllText(_dir["home/Gateway.cfg"]));
        Assert.Equal(conf, File.ReadAllText(_dir["home/engine.conf"]));
    }

    [Fact]
    public void GatewayCik_BeforeActivation_IsOneLineAndExitOne_AfterItIsTheCik()
    {
        Assert.Equal(0, Gwe("--set-product-id", "asdfiuyhj567uj", "-u", "SN-1").ExitCode);

        var before = Gwe("-C");

        Assert.Equal(1, before.ExitCode);
        Assert.Equal(string.Empty, before.Stdout);
        Assert.Equal($"gwe: not activated yet: {_dir["home/Gateway.cfg"]} has no CIK (gwe run or gwe -o activates)\n", before.Stderr);

        Assert.Equal(0, Gwe("-c", "0123456789abcdef0123456789abcdef01234567").ExitCode);
        var after = Gwe("--gateway-cik");

        Assert.Equal(0, after.ExitCode);
        Assert.Equal("0123456789abcdef0123456789abcdef01234567\n", after.Stdout);
    }

    [Fact]
    public void GoodIdentity_WithABadEngineValue_WritesNeitherFile()
    {
        Assert.Equal(0, Gwe("--set-product-id", "asdfiuyhj567uj", "-u", "SN-1").ExitCode);
        var cfg = File.ReadAllText(_dir["home/Gateway.cfg"]);

        var run = Gwe("-u", "SN-2", "-t", "0");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("update_interval must be at least 1 second", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(cfg, File.ReadAllText(_dir["home/Gateway.cfg"]));
    }

    [Fact]
    public void TarballLimits_FromEngineConf_AreWhatTheInstallChecksAgainst()
    {
        // Two entries: over a limit of one, within a limit of two.
        _dir.Write("src/install.sh", "#!/bin/sh\necho installed\n", GnuTar.Executable);
        _dir.Write("src/readme.txt", "hello\n");
        GnuTar.Run(_dir["src"], "zcvf", "limited.v1.tar.gz", "install.sh", "readme.txt");
        var tarball = _dir["src/limited.v1.tar.gz"];
        Directory.CreateDirectory(_dir["home"]);
        File.WriteAllText(_dir["home/engine.conf"], "[engine]\ntarball_max_entries = 1\n");

        var refused = Gwe("-I", tarball);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("more than 1 entries", refused.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir["home/apps/limited/1"]));

        File.WriteAllText(_dir["home/engine.conf"], "[engine]\ntarball_max_entries = 2\n");
        var installed = Gwe("-I", tarball);

        Assert.True(installed.ExitCode == 0, installed.Stderr);
        Assert.True(File.Exists(_dir["home/apps/limited/1/readme.txt"]));
        Assert.Equal(2, EngineConfigFile.Load(_dir["home/engine.conf"]).TryRead(out _)!.TarballLimits.MaxEntries);
    }

    [Theory]
    [InlineData("tarball_max_entries = 0")]
    [InlineData("tarball_max_ratio = lots")]
    public void TarballLimits_BadValue_IsOneLineNamingTheKey(string line)
    {
        Directory.CreateDirectory(_dir["home"]);
        File.WriteAllText(_dir["home/engine.conf"], $"[engine]\n{line}\n");

        Assert.Null(EngineConfigFile.Load(_dir["home/engine.conf"]).TryRead(out var error));
        Assert.Contains($"line 2: {line.Split(' ')[0]} must be a whole number of at least 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public void EngineSetters_PrintEngineConfAndKeepUnknownKeys()
    {
        Directory.CreateDirectory(_dir["home"]);
        File.WriteAllText(_dir["home/engine.conf"], "[engine]\nprocess_manager = supervisord\n");

        var run = Gwe("-t", "60", "-l", "5", "-d", "DEBUG", "-a", "my-agent");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("[engine]\nprocess_manager = supervisord\nact_retry_interval = 5\ndebug_level = DEBUG\nupdate_interval = 60\nuser_agent = my-agent\n", run.Stdout);
        var config = EngineConfigFile.Load(_dir["home/engine.conf"]).TryRead(out _)!;
        Assert.Equal(60, config.UpdateInterval);
        Assert.Equal("my-agent", config.EffectiveUserAgent);
    }

    [Fact]
    public void BadUpdateInterval_IsOneLineAndNothingIsWritten()
    {
        var run = Gwe("-t", "0");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("update_interval must be at least 1 second", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir["home/engine.conf"]));
    }

    [Theory]
    [InlineData("-t", "-5", "gwe: --set-update-interval -5: update_interval must be at least 1 second")]
    [InlineData("-l", "-1", "gwe: --set-act-retry-interval -1: act_retry_interval must be at least 1 second")]
    public void NegativeInterval_NamesTheValueGiven_NotALineOfTheFile_AndWritesNothing(string flag, string value, string line)
    {
        _dir.Write("home/engine.conf", "[engine]\nupdate_interval = 60\n");

        var run = Gwe(flag, value);

        Assert.Equal((1, line + "\n"), (run.ExitCode, run.Stderr));
        Assert.Equal("[engine]\nupdate_interval = 60\n", File.ReadAllText(_dir["home/engine.conf"]));
    }

    [Fact]
    public void SetIface_RealInterface_UsesItsUpperCaseMacOrSaysClearlyWhyNot()
    {
        var iface = Directory.Exists(InterfaceMac.SysClassNet)
            ? Directory.GetDirectories(InterfaceMac.SysClassNet).Select(Path.GetFileName).FirstOrDefault(n => n != "lo")
            : null;
        if (iface is null)
        {
            var lo = Gwe("--set-iface", "lo");
            Assert.Equal(1, lo.ExitCode);
            Assert.Contains("interface lo has no MAC address", lo.Stderr, StringComparison.Ordinal);
            return;
        }

        var expected = File.ReadAllText(Path.Join(InterfaceMac.SysClassNet, iface, "address")).Trim().ToUpperInvariant();
        var mac = InterfaceMac.TryRead(iface!, out var error);
        if (mac is null)
        {
            // A virtual interface without a MAC: the error must say so.
            Assert.Contains("has no MAC address", error, StringComparison.Ordinal);
            return;
        }

        var run = Gwe("-P", "pid1", "-i", iface!);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"iface = {iface}\n", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(expected, mac);
        Assert.Matches("^[0-9A-F]{2}(:[0-9A-F]{2}){5}$", mac);
    }

    [Fact]
    public void Lo_HasNoMac_ClearError()
    {
        Assert.Null(InterfaceMac.TryRead("lo", out var error));
        Assert.Contains("interface lo has no MAC address", error, StringComparison.Ordinal);
    }
}
