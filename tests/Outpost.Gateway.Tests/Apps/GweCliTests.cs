using System.Runtime.Versioning;

namespace Outpost.Gateway.Tests.Apps;

/// <summary>The real <c>gwe</c> (the built dll under <c>dotnet</c>) as an app author runs it.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class GweCliTests : IDisposable
{
    private static readonly string GweDll = Path.Join(AppContext.BaseDirectory, "gwe.dll");

    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ChildProcess.Outcome Gwe(string workingDirectory, params string[] args) =>
        ChildProcess.Capture("dotnet", workingDirectory, [GweDll, .. args]);

    [Fact]
    public void CheckTarball_SeedTarball_PrintsPassAndExitsZero()
    {
        var tarball = GnuTar.SeedApp(_dir);

        var run = Gwe(_dir.Path, "-z", tarball);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("[PASS]\n", run.Stdout);
        Assert.Equal(string.Empty, run.Stderr);
    }

    [Fact]
    public void CheckTarball_HostileTarball_PrintsEachProblemOnStderrAndExitsOne()
    {
        _dir.Write("src/install.sh", "echo no shebang\n", GnuTar.Plain);
        GnuTar.Run(_dir["src"], "czf", "../bad name.tar.gz", "install.sh");

        var run = Gwe(_dir.Path, "--check-tarball", _dir["bad name.tar.gz"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Equal(
            [
                "tarball name 'bad name.tar.gz' must look like NAME.vVERSION.tar.gz (NAME without dots)",
                "install.sh is not executable (mode 0644)",
                "install.sh does not start with a #! line",
            ],
            run.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("missing.v1.tar.gz", "missing.v1.tar.gz: no such file")]
    [InlineData("dir.v1.tar.gz", "dir.v1.tar.gz: is a directory, not a tarball")]
    public void CheckTarball_UnreadablePath_IsOneLineWithoutAStackTrace(string name, string expected)
    {
        Directory.CreateDirectory(_dir["dir.v1.tar.gz"]);

        var run = Gwe(_dir.Path, "-z", name);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(expected + "\n", run.Stderr);
    }

    [Fact]
    public void Version_PrintsVersionCommitAndBuildDate_TraceableToThisRepository()
    {
        var run = Gwe(_dir.Path, "--version");

        Assert.Equal(0, run.ExitCode);
        var match = System.Text.RegularExpressions.Regex.Match(run.Stdout, @"^gwe (\d+\.\d+\.\d+\S*) \(commit ([0-9a-f]{12}), built (\d{4}-\d{2}-\d{2})\)\n$");
        Assert.True(match.Success, run.Stdout);
        // The commit is one of this repository's (the tests are built from a git checkout), not a made-up string.
        var commit = match.Groups[2].Value;
        Assert.Equal(0, ChildProcess.Capture("git", AppContext.BaseDirectory, "cat-file", "-e", commit + "^{commit}").ExitCode);
        // The build date is the day gwe.dll was built (UTC; a day either side for a build across midnight).
        var built = DateOnly.ParseExact(match.Groups[3].Value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var written = DateOnly.FromDateTime(File.GetLastWriteTimeUtc(GweDll));
        Assert.InRange(written.DayNumber - built.DayNumber, -1, 1);
        Assert.Equal(run.Stdout, Gwe(_dir.Path, "-v").Stdout);
    }

    [Theory]
    [InlineData("gwe: Cannot parse argument 'abc' for option '--set-update-interval' as a whole number. (see gwe -h)", "-t", "abc")]
    [InlineData("gwe: Argument 'LOUD' not recognized. Must be one of: 'DEBUG' 'INFO' 'WARNING' 'ERROR' 'CRITICAL' (see gwe -h)", "-d", "LOUD")]
    [InlineData("gwe: Required command was not provided. (see gwe gmq -h)", "gmq")]
    [InlineData("gwe: Unrecognized command or argument '--nonsense'. (see gwe -h)", "--nonsense")]
    [InlineData("gwe: -n/--bytes must be 0 or more (see gwe tail -h)", "tail", "-n", "-5", "app")]
    [InlineData("gwe: Cannot parse argument 'abc' for option '--bytes' as a whole number. (see gwe tail -h)", "tail", "-n", "abc", "app")]
    [InlineData("gwe: Cannot parse argument '99999999999999999999' for option '--bytes' as a whole number. (see gwe tail -h)", "tail", "-n", "99999999999999999999", "app")]
    [InlineData("gwe: Unrecognized command or argument '--bogus'. (see gwe status -h)", "status", "--bogus")]
    [InlineData("gwe: Unrecognized command or argument '--all'. (see gwe start -h)", "start", "--all")]
    [InlineData("gwe: Unrecognized command or argument 'bogus'. (see gwe gmq -h)", "gmq", "bogus")]
    [InlineData("gwe: -n/--app-name and -s/--app-version only go with -x/--create-buildfile", "-n", "test_app")]
    [InlineData("gwe: -n/--app-name and -s/--app-version only go with -x/--create-buildfile", "--app-version", "2")]
    public void BadCommandLine_IsOneLineOnStderrNamingTheProblem_NotTheHelpPage(string line, params string[] args)
    {
        var run = Gwe(_dir.Path, [.. args, "--home", _dir["home"]]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(line + "\n", run.Stderr);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.False(Directory.Exists(_dir["home"]));
    }

    [Fact]
    public void HelpAsked_WithAnotherError_PrintsTheHelpPage_ExitZero()
    {
        var run = Gwe(_dir.Path, "gmq", "purge", "--bogus", "-h");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("purge", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Usage:", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stderr);
    }

    [Fact]
    public void DefaultHome_IsTheOneTheDaemonUses()
    {
        // gwe -P/-u write where gwe run reads: one rule ($GWE_HOME, else /opt/outpost-gwe as root, else ~/.outpost-gwe).
        var run = Gwe(_dir.Path, "-p");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Gateway.Engine.GweHome.Resolve(null).Path + "\n", run.Stdout);
    }

    [Fact]
    public void CreateCheckBuild_SeedApp_RoundTripsThroughTheBuildfile()
    {
        _dir.Write("app/install.sh", GnuTar.SeedInstallScript, GnuTar.Executable);
        _dir.Write("app/supervisor.conf", "[program:test_app]\ncommand = python test_app.py\n");
        _dir.Write("app/test_app.py", "print('hi')\n");
        var app = _dir["app"];

        var create = Gwe(app, "-x", "-n", "test_app", "-s", "1");
        var check = Gwe(app, "-w", "gwe.build");
        var build = Gwe(app, "-y");
        var z = Gwe(app, "-z", "test_app.v1.tar.gz");

        Assert.Equal(0, create.ExitCode);
        Assert.Equal((0, "[PASS]\n"), (check.ExitCode, check.Stdout));
        Assert.Equal(0, build.ExitCode);
        Assert.EndsWith("[PASS]\n", build.Stdout, StringComparison.Ordinal);
        Assert.Equal((0, "[PASS]\n"), (z.ExitCode, z.Stdout));
        Assert.Equal(1, Gwe(app, "-x").ExitCode); // never overwrites a buildfile
    }

    [Fact]
    public void CheckBuildfile_BadBuildfile_ListsProblems()
    {
        _dir.Write("app/install.sh", "echo hi\n", GnuTar.Plain);
        _dir.Write("app/gwe.build", """{"name": "bad.name", "version": "1", "includes": ["install.sh", "missing.py"]}""");

        var run = Gwe(_dir["app"], "-w", "gwe.build");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("name: NAME 'bad.name' may hold only", run.Stderr, StringComparison.Ordinal);
    }
}
