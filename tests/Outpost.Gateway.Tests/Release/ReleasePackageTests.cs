using System.Runtime.Versioning;
using Outpost.Device;
using Outpost.Gateway.Apps;
using Outpost.Gateway.Tests.Apps;
using Outpost.Gateway.Tests.Daemon;
using Outpost.Gateway.Tests.Engine;
using Outpost.Testing;

namespace Outpost.Gateway.Tests.Release;

/// <summary>
/// The release package as an operator uses it: build/package-gwe.sh makes it, GNU tar unpacks it, its install.sh runs
/// as a real process into a temporary prefix (no root, no systemd), and the installed gwe and gdc run.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ReleasePackageTests(ReleasePackage package) : IClassFixture<ReleasePackage>, IDisposable
{
    private readonly ScratchDirectory _dir = new();

    private string Prefix => _dir["opt/outpost-gwe"];

    private string BinDir => _dir["bin"];

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Package_IsOneGatewayEngineFolder_WithInstallerVersionAppsFolderAndPrograms()
    {
        Assert.Equal($"GatewayEngine.v{package.Version}.tar.gz", Path.GetFileName(package.Tarball));
        Assert.StartsWith(package.Tarball + " (", package.PackagerOutput, StringComparison.Ordinal);
        var listing = Tar("tzvf", package.Tarball);
        var entries = listing.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToDictionary(f => f[^1], f => f[0]);

        Assert.All(entries.Keys, name => Assert.StartsWith("gateway-engine/", name, StringComparison.Ordinal));
        Assert.Equal("-rwxr-xr-x", entries["gateway-engine/install.sh"]);
        Assert.Equal("drwxr-xr-x", entries["gateway-engine/apps_to_install/"]);
        Assert.DoesNotContain(entries.Keys, name => name.StartsWith("gateway-engine/apps_to_install/", StringComparison.Ordinal) && name.Length > "gateway-engine/apps_to_install/".Length);
        Assert.Contains("gateway-engine/README.md", entries.Keys);
        Assert.Equal("-rwxr-xr-x", entries[$"gateway-engine/bin/{package.HostRid}/gwe"]);
        Assert.Equal("-rwxr-xr-x", entries[$"gateway-engine/bin/{package.HostRid}/gdc"]);
        Assert.DoesNotContain(entries.Keys, name => name.StartsWith($"gateway-engine/bin/{package.OtherRid}", StringComparison.Ordinal));
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]);
        Assert.Equal(package.Version + "\n", File.ReadAllText(Path.Join(unpacked, "VERSION")));
        Assert.Equal(0, ChildProcess.Capture("sh", unpacked, "-n", "install.sh").ExitCode);
    }

    [Fact]
    public void Install_PutsGweAndGdcOnThePath_WithTheHomeInThePrefix()
    {
        var install = Install(ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]));

        Assert.Equal(0, install.ExitCode);
        Assert.Equal(string.Empty, install.Stderr);
        Assert.StartsWith($"installing gwe {package.Version} ", install.Stdout, StringComparison.Ordinal);
        var version = ChildProcess.Capture(Path.Join(BinDir, "gwe"), _dir.Path, "--version");
        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith($"gwe {package.Version} (commit ", version.Stdout, StringComparison.Ordinal);
        // The wrapper makes the prefix gwe's home, so gwe -P and the daemon agree without GWE_HOME.
        Assert.Equal(Prefix + "\n", Gwe("-p").Stdout);
        var gdc = ChildProcess.Capture(Path.Join(BinDir, "gdc"), _dir.Path, "--help");
        Assert.Equal(0, gdc.ExitCode);
        Assert.Contains("gdc: talk to the Outpost device API", gdc.Stdout, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Join(Prefix, "apps_to_install")));
        Assert.Single(Directory.GetFiles(Path.Join(Prefix, "logs"), "gwe_install_*.log"));
        Assert.True(File.Exists(Path.Join(Prefix, "bin", ".outpost-gwe")), "PREFIX/bin carries the installer's marker");
    }

    [Fact]
    public void ReRun_Upgrades_ThePrograms_KeepingConfigurationCikQueueAndApps()
    {
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]);
        Assert.Equal(0, Install(unpacked).ExitCode);
        Assert.Equal(0, Gwe("-P", "pid1", "-u", "GW-1", "--set-host", "http://127.0.0.1:9", "-c", new string('a', 40)).ExitCode);
        Assert.Equal(0, Gwe("-t", "42").ExitCode);
        var kept = new Dictionary<string, string>
        {
            ["gmq/queue.db"] = "queued values",
            ["apps/test_app/1/run.sh"] = "#!/bin/sh\n",
            ["state/installed.json"] = "{}",
            ["conf.d/extra.conf"] = "[program:extra]\ncommand = sleep 1\n",
        };
        foreach (var (path, text) in kept)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Join(Prefix, path))!);
            File.WriteAllText(Path.Join(Prefix, path), text);
        }

        var cfg = File.ReadAllBytes(Path.Join(Prefix, "Gateway.cfg"));
        var engineConf = File.ReadAllBytes(Path.Join(Prefix, "engine.conf"));
        // A file the old version's installer put there (so its marker names it) that this package no longer has.
        var stale = Path.Join(Prefix, "bin", "left-from-the-old-version");
        File.WriteAllText(stale, string.Empty);
        File.AppendAllText(Path.Join(Prefix, "bin", ".outpost-gwe"), "left-from-the-old-version\n");

        var again = Install(unpacked);

        Assert.Equal(0, again.ExitCode);
        Assert.Equal(string.Empty, again.Stderr);
        Assert.StartsWith($"upgrading {Prefix}: gwe {package.Version} ", again.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(stale), "the programs are replaced as a whole");
        Assert.Equal(cfg, File.ReadAllBytes(Path.Join(Prefix, "Gateway.cfg")));
        Assert.Equal(engineConf, File.ReadAllBytes(Path.Join(Prefix, "engine.conf")));
        Assert.All(kept, pair => Assert.Equal(pair.Value, File.ReadAllText(Path.Join(Prefix, pair.Key))));
        Assert.Equal(new string('a', 40) + "\n", Gwe("-C").Stdout);
        Assert.Equal(0, ChildProcess.Capture(Path.Join(BinDir, "gdc"), _dir.Path, "--help").ExitCode);
        Assert.DoesNotContain(Directory.GetFileSystemEntries(Prefix), e => Path.GetFileName(e).StartsWith(".bin-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RepackagedApp_LandsInAppsToInstall_AndTheFirstStartInstallsIt()
    {
        // The seed's custom release packaging: unpack, drop the app in apps_to_install/, pack again under a new name.
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["vendor"]);
        var app = AppTarballs.Service(_dir, "test_app", "1");
        File.Copy(app, Path.Join(unpacked, "apps_to_install", "test_app.v1.tar.gz"));
        GnuTar.Run(_dir["vendor"], "zcf", "CustomGatewayEngine.tar.gz", "gateway-engine");

        var install = Install(ReleasePackage.Unpack(_dir["vendor/CustomGatewayEngine.tar.gz"], _dir["gateway"]));

        Assert.Equal(0, install.ExitCode);
        Assert.Contains("apps_to_install/test_app.v1.tar.gz: gwe installs it on its first start", install.Stdout, StringComparison.Ordinal);
        var appsToInstall = new AppsOptions { Home = Prefix }.AppsToInstallDirectory;
        Assert.Equal(File.ReadAllBytes(app), File.ReadAllBytes(Path.Join(appsToInstall, "test_app.v1.tar.gz")));

        // The installed gwe's first check-in against a real cloud installs it.
        await using var cloud = await TestCloud.StartAsync();
        var gateway = await CloudGateway.CreateAsync(cloud);
        Assert.Equal(0, Gwe("-P", gateway.ProductId, "-u", gateway.Serial, "--set-host", cloud.BaseAddress.ToString()).ExitCode);
        var once = await Task.Run(() => Gwe("-o"));
        Assert.True(once.ExitCode == 0, once.Stdout + once.Stderr);
        Assert.Contains("apps_to_install: install test_app.v1.tar.gz (test_app 1) → installed", once.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(_dir["running.1"]), "the app ran");
    }

    [Fact]
    public void ReRun_AfterTheFirstStart_SaysHowToInstallANewBundledApp()
    {
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]);
        Assert.Equal(0, Install(unpacked).ExitCode);
        Directory.CreateDirectory(Path.Join(Prefix, "state"));
        File.WriteAllText(Path.Join(Prefix, "state", "apps_to_install.done"), "done\n");
        File.Copy(AppTarballs.Service(_dir, "late_app", "2"), Path.Join(unpacked, "apps_to_install", "late_app.v2.tar.gz"));

        var again = Install(unpacked);

        Assert.Equal(0, again.ExitCode);
        Assert.Contains(
            $"apps_to_install/late_app.v2.tar.gz: copied, but this gateway's first start is past; install it with: gwe -I {Prefix}/apps_to_install/late_app.v2.tar.gz (daemon stopped) or over the air",
            again.Stdout,
            StringComparison.Ordinal);
    }

    // systemd cannot run in the test container: a systemctl on the PATH that logs its calls stands in for it, and the
    // installer is told where the units go and that systemd runs (its OUTPOST_INSTALL_* variables).
    [Fact]
    public void WithSystemd_TheUnitIsWrittenAndEnabled_AndAnUpgradeRestartsARunningService()
    {
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]);
        var calls = _dir["systemctl.log"];
        _dir.Write("fake/systemctl", $"#!/bin/sh\necho \"$*\" >> {calls}\n[ \"$1\" != is-active ] || [ -f {_dir["active"]} ]\n", GnuTar.Executable);
        Directory.CreateDirectory(_dir["run-systemd"]);
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = _dir["fake"] + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["OUTPOST_INSTALL_UNIT_DIR"] = _dir["units"],
            ["OUTPOST_INSTALL_SYSTEMD_RUN_DIR"] = _dir["run-systemd"],
        };
        string[] args = ["--prefix", Prefix, "--bin-dir", BinDir];

        var install = ChildProcess.Capture(Path.Join(unpacked, "install.sh"), unpacked, environment, args);

        Assert.True(install.ExitCode == 0, install.Stderr);
        Assert.Contains("outpost-gwe.service: enabled (starts at boot); start it now with: systemctl start outpost-gwe.service", install.Stdout, StringComparison.Ordinal);
        Assert.Equal(["daemon-reload", "enable outpost-gwe.service", "is-active --quiet outpost-gwe.service"], File.ReadAllLines(calls));
        var unit = File.ReadAllLines(_dir["units/outpost-gwe.service"]);
        Assert.Contains($"ExecStart={Prefix}/bin/gwe run --home {Prefix}", unit);
        Assert.Contains("KillMode=mixed", unit);
        Assert.Contains("Restart=on-failure", unit);
        Assert.Contains("WantedBy=multi-user.target", unit);
        Assert.Equal(0, ChildProcess.Capture(Path.Join(Prefix, "bin", "gwe"), _dir.Path, "--version").ExitCode);
        if (File.Exists("/usr/bin/systemd-analyze"))
        {
            // systemd's own checker (it runs without systemd): keys, ExecStart's program present and executable.
            var verify = ChildProcess.Capture("/usr/bin/systemd-analyze", _dir.Path, "verify", _dir["units/outpost-gwe.service"]);
            Assert.True(verify.ExitCode == 0 && verify.Stderr.Length == 0, verify.Stderr);
        }

        File.WriteAllText(_dir["active"], string.Empty);
        File.Delete(calls);
        var upgrade = ChildProcess.Capture(Path.Join(unpacked, "install.sh"), unpacked, environment, args);

        Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
        Assert.Contains("outpost-gwe.service: enabled, restarted with the new gwe", upgrade.Stdout, StringComparison.Ordinal);
        Assert.Equal(["daemon-reload", "enable outpost-gwe.service", "is-active --quiet outpost-gwe.service", "restart outpost-gwe.service"], File.ReadAllLines(calls));

        File.Delete(calls);
        var noService = ChildProcess.Capture(Path.Join(unpacked, "install.sh"), unpacked, environment, [.. args, "--no-service"]);

        Assert.Equal(0, noService.ExitCode);
        Assert.False(File.Exists(calls), "--no-service leaves systemd alone");
    }

    [Fact]
    public void WrongArchitecture_IsOneLine_AndChangesNothing()
    {
        var made = package.Package(_dir["other"], "--from", package.BuiltDirectory, package.OtherRid);
        Assert.True(made.ExitCode == 0, made.Stderr);
        var unpacked = ReleasePackage.Unpack(Path.Join(_dir["other"], Path.GetFileName(package.Tarball)), _dir["unpacked"]);

        var install = Install(unpacked);

        Assert.Equal(1, install.ExitCode);
        var machine = ChildProcess.Capture("uname", _dir.Path, "-m").Stdout.Trim();
        Assert.Equal($"install.sh: this package has no build for {machine} ({package.HostRid}); it holds: {package.OtherRid}\n", install.Stderr);
        Assert.Equal(string.Empty, install.Stdout);
        Assert.False(Directory.Exists(Prefix));
        Assert.False(Directory.Exists(BinDir));
    }

    [Fact]
    public void PrefixNotWritable_IsOneLine_AndChangesNothing()
    {
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]);
        File.WriteAllText(_dir["a-file"], string.Empty);

        var install = ChildProcess.Capture(Path.Join(unpacked, "install.sh"), unpacked, "--prefix", _dir["a-file/gwe"], "--bin-dir", BinDir, "--no-service");

        Assert.Equal(1, install.ExitCode);
        Assert.Equal($"install.sh: cannot write to {_dir["a-file/gwe"]} (run as root, or choose --prefix DIR)\n", install.Stderr);
        Assert.False(Directory.Exists(BinDir));
    }

    [Fact]
    public void ACommandNotOurs_InTheBinDir_IsRefused_AndLeftAlone()
    {
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]);
        var foreign = _dir.Write("bin/gwe", "#!/bin/sh\necho someone else's gwe\n", GnuTar.Executable);

        var install = Install(unpacked);

        Assert.Equal(1, install.ExitCode);
        Assert.Equal($"install.sh: {foreign} exists and is not this installer's; remove it or choose --bin-dir DIR\n", install.Stderr);
        Assert.Equal("#!/bin/sh\necho someone else's gwe\n", File.ReadAllText(foreign));
        Assert.False(Directory.Exists(Prefix), "a refusal creates nothing, not even an empty prefix");
    }

    // --prefix /usr/local (bin dir /usr/local/bin), --prefix /usr or --prefix ~ would have replaced a bin/ full of
    // other programs: a PREFIX/bin the installer did not write is refused.
    [Fact]
    public void APrefixWhoseBinIsNotOurs_IsRefused_AndItsProgramsLeftAlone()
    {
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]);
        var other = _dir.Write("opt/outpost-gwe/bin/other-program", "#!/bin/sh\n", GnuTar.Executable);

        var install = Install(unpacked);

        Assert.Equal(1, install.ExitCode);
        Assert.Equal(
            $"install.sh: {Prefix}/bin exists and is not this installer's (no .outpost-gwe in it), and installing replaces it as a whole; choose another --prefix DIR\n",
            install.Stderr);
        Assert.Equal(string.Empty, install.Stdout);
        Assert.Equal("#!/bin/sh\n", File.ReadAllText(other));
        Assert.Equal([other], Directory.GetFileSystemEntries(Path.Join(Prefix, "bin")));
        Assert.Equal([Path.Join(Prefix, "bin")], Directory.GetFileSystemEntries(Prefix));
        Assert.False(Directory.Exists(BinDir));
    }

    [Fact]
    public void BinDirInPrefixBin_IsRefused_AndCreatesNothing()
    {
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]);

        var install = ChildProcess.Capture(Path.Join(unpacked, "install.sh"), unpacked, "--prefix", Prefix, "--bin-dir", Prefix + "/./bin/", "--no-service");

        Assert.Equal(1, install.ExitCode);
        Assert.Equal($"install.sh: the bin dir {Prefix}/bin is in {Prefix}/bin, which installing replaces as a whole; choose another --bin-dir DIR\n", install.Stderr);
        Assert.False(Directory.Exists(Prefix));
    }

    // --prefix /usr/local/bin/gwe --bin-dir /usr/local/bin: the wrapper would have been moved into the prefix.
    [Fact]
    public void PrefixWhereACommandGoes_IsRefused_AndCreatesNothing()
    {
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]);

        var install = ChildProcess.Capture(Path.Join(unpacked, "install.sh"), unpacked, "--prefix", BinDir + "/gwe", "--bin-dir", BinDir, "--no-service");

        Assert.Equal(1, install.ExitCode);
        Assert.Equal($"install.sh: the prefix {BinDir}/gwe would hold or be the {BinDir}/gwe or {BinDir}/gdc command; choose another --prefix DIR\n", install.Stderr);
        Assert.False(Directory.Exists(BinDir));
    }

    // The marker names what the installer put in PREFIX/bin: a file added there later (~/bin for --prefix ~ is on the
    // PATH) stops the upgrade instead of being deleted with the old programs.
    [Fact]
    public void AFileAddedToOurBinLater_StopsTheUpgrade_AndIsKept()
    {
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]);
        Assert.Equal(0, Install(unpacked).ExitCode);
        var mine = _dir.Write("opt/outpost-gwe/bin/my-script", "mine\n", GnuTar.Executable);

        var upgrade = Install(unpacked);

        Assert.Equal(1, upgrade.ExitCode);
        Assert.Equal($"install.sh: {mine} was not written by this installer, and installing replaces {Prefix}/bin as a whole; move it elsewhere first\n", upgrade.Stderr);
        Assert.Equal("mine\n", File.ReadAllText(mine));

        File.Delete(mine);
        Assert.Equal(0, Install(unpacked).ExitCode);
    }

    // An upgrade from the first installer, which wrote no marker: a PREFIX/bin of exactly gwe, gdc and libe_sqlite3.so
    // is its own. One more file and it is not.
    [Fact]
    public void UpgradeFromAnInstallWithoutTheMarker_WhenBinHoldsOnlyThePackagesPrograms()
    {
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]);
        Assert.Equal(0, Install(unpacked).ExitCode);
        var marker = Path.Join(Prefix, "bin", ".outpost-gwe");
        File.Delete(marker);

        var upgrade = Install(unpacked);

        Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
        Assert.StartsWith($"upgrading {Prefix}: ", upgrade.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(marker), "the upgrade writes the marker");

        File.Delete(marker);
        File.WriteAllText(Path.Join(Prefix, "bin", "notes.txt"), "mine\n");
        var refused = Install(unpacked);

        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith($"install.sh: {Prefix}/bin exists and is not this installer's", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("mine\n", File.ReadAllText(Path.Join(Prefix, "bin", "notes.txt")));
    }

    // The prefix is resolved before any check: // and .. (which passed "not /" as written) and symlinks.
    [Fact]
    public void PrefixWithDoubleSlashesDotDotAndASymlink_IsResolvedToItsRealPath()
    {
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]);
        Directory.CreateDirectory(_dir["real"]);
        File.CreateSymbolicLink(_dir["link"], _dir["real"]);
        var spelled = _dir.Path + "//not-there/..//link/./gwe/";

        var install = ChildProcess.Capture(Path.Join(unpacked, "install.sh"), unpacked, "--prefix", spelled, "--bin-dir", BinDir, "--no-service");

        Assert.True(install.ExitCode == 0, install.Stderr);
        var real = _dir["real/gwe"];
        Assert.StartsWith($"installing gwe {package.Version} ", install.Stdout, StringComparison.Ordinal);
        Assert.Contains($" into {real}\n", install.Stdout, StringComparison.Ordinal);
        Assert.Equal(real + "\n", Gwe("-p").Stdout);
        Assert.False(Directory.Exists(_dir["not-there"]), "resolving creates nothing");
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, 2, "install.sh: unknown argument '--bogus'; usage: ./install.sh [--prefix DIR] [--bin-dir DIR] [--no-service] | --uninstall [--purge] [--prefix DIR] [--bin-dir DIR]")]
    [InlineData(new[] { "--prefix" }, 2, "install.sh: --prefix needs a directory; usage: ./install.sh [--prefix DIR] [--bin-dir DIR] [--no-service] | --uninstall [--purge] [--prefix DIR] [--bin-dir DIR]")]
    [InlineData(new[] { "--prefix", "relative/dir" }, 2, "install.sh: 'relative/dir' must be an absolute path; usage: ./install.sh [--prefix DIR] [--bin-dir DIR] [--no-service] | --uninstall [--purge] [--prefix DIR] [--bin-dir DIR]")]
    [InlineData(new[] { "--prefix", "/tmp/with space" }, 2, "install.sh: '/tmp/with space' may hold only letters, digits and . _ / + @ : -; usage: ./install.sh [--prefix DIR] [--bin-dir DIR] [--no-service] | --uninstall [--purge] [--prefix DIR] [--bin-dir DIR]")]
    public void BadArguments_AreOneLine(string[] args, int code, string line)
    {
        var unpacked = ReleasePackage.Unpack(package.Tarball, _dir["unpacked"]);

        var install = ChildProcess.Capture(Path.Join(unpacked, "install.sh"), unpacked, args);

        Assert.Equal(code, install.ExitCode);
        Assert.Equal(line + "\n", install.Stderr);
    }

    [Fact]
    public void Packager_BadInputs_AreOneLine()
    {
        var noGdc = _dir["no-gdc"];
        Directory.CreateDirectory(noGdc);
        File.Copy(Path.Join(package.BuiltDirectory, "gwe"), Path.Join(noGdc, "gwe"));

        Assert.Equal("package-gwe: --from /nonexistent: no such directory\n", package.Package(_dir["out"], "--from", "/nonexistent").Stderr);
        Assert.Equal($"package-gwe: {noGdc} has no executable gdc\n", package.Package(_dir["out"], "--from", noGdc).Stderr);
        Assert.Equal("package-gwe: unsupported runtime 'win-x64' (linux-x64 or linux-arm64)\n", package.Package(_dir["out"], "--from", noGdc, "win-x64").Stderr);
        Assert.Equal("package-gwe: --from DIR packages one architecture; give at most one RID\n", package.Package(_dir["out"], "--from", noGdc, "linux-x64", "linux-arm64").Stderr);
        Assert.Equal(1, package.Package(_dir["out"], "--bogus").ExitCode);
        Assert.False(Directory.Exists(_dir["out"]));
    }

    private ChildProcess.Outcome Install(string unpacked) =>
        ChildProcess.Capture(Path.Join(unpacked, "install.sh"), unpacked, "--prefix", Prefix, "--bin-dir", BinDir, "--no-service");

    // The installed command, as a person on the gateway types it (no --home, no GWE_HOME of the test's own).
    private ChildProcess.Outcome Gwe(params string[] args) => ChildProcess.Capture(Path.Join(BinDir, "gwe"), _dir.Path, args);

    private string[] Tar(params string[] args)
    {
        var run = ChildProcess.Capture("tar", _dir.Path, args);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
