using System.Runtime.Versioning;
using Outpost.Gateway.Apps;

namespace Outpost.Gateway.Tests.Apps;

[UnsupportedOSPlatform("windows")]
public sealed class BuildfileTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string WriteBuildfile(string json) => _dir.Write("app/gwe.build", json);

    private void SeedFiles()
    {
        _dir.Write("app/install.sh", GnuTar.SeedInstallScript, GnuTar.Executable);
        _dir.Write("app/supervisor.conf", "[program:test_app]\ncommand = python test_app.py\n");
        _dir.Write("app/test_app.py", "print('hi')\n");
        _dir.Write("app/lib/util.py", "x = 1\n");
        _dir.Write("app/lib/util.pyc", "compiled");
    }

    [Fact]
    public void Template_UsesGivenNameAndVersion_AndIncludesVisibleEntries()
    {
        SeedFiles();
        _dir.Write("app/.git/config", "x");
        _dir.Write("app/old.v0.tar.gz", "x");

        var buildfile = BuildfileTemplate.Create(_dir["app"], "test_app", "2.1");

        Assert.Equal("test_app", buildfile.Name);
        Assert.Equal("2.1", buildfile.Version);
        Assert.Equal(["install.sh", "lib", "supervisor.conf", "test_app.py"], buildfile.Includes);
    }

    [Fact]
    public void Template_WithoutName_UsesTheDirectoryName()
    {
        Directory.CreateDirectory(_dir["my-app"]);
        var buildfile = BuildfileTemplate.Create(_dir["my-app"], null, null);
        Assert.Equal(("my-app", "1"), (buildfile.Name, buildfile.Version));
        Assert.Equal(["install.sh", "supervisor.conf"], buildfile.Includes);
    }

    [Fact]
    public void Problems_GoodBuildfile_HasNone()
    {
        SeedFiles();
        var path = WriteBuildfile("""{"name": "test_app", "version": "1", "includes": ["install.sh", "supervisor.conf", "*.py", "lib"], "excludes": ["**/*.pyc"]}""");

        var buildfile = BuildfileCheck.Load(path, out var error);

        Assert.NotNull(buildfile);
        Assert.Empty(BuildfileCheck.Problems(buildfile, _dir["app"]));
        Assert.Equal(["install.sh", "lib/util.py", "supervisor.conf", "test_app.py"], BuildfileCheck.Select(_dir["app"], buildfile.Includes!, buildfile.Excludes!, null));
    }

    [Theory]
    [InlineData("""{"version": "1", "includes": ["install.sh"]}""", "name is missing")]
    [InlineData("""{"name": "a", "version": "..", "includes": ["install.sh"]}""", "version: VERSION '..' may not start or end with '.'")]
    [InlineData("""{"name": "a", "version": "1"}""", "includes is empty: nothing to pack")]
    [InlineData("""{"name": "a", "version": "1", "includes": ["../etc/passwd"]}""", "'../etc/passwd' must be a relative path inside the build directory")]
    [InlineData("""{"name": "a", "version": "1", "includes": ["/etc/passwd"]}""", "'/etc/passwd' must be a relative path inside the build directory")]
    [InlineData("""{"name": "a", "version": "1", "includes": ["install.sh", "nothing*.c"]}""", "include 'nothing*.c' matches no file")]
    [InlineData("""{"name": "a", "version": "1", "includes": ["test_app.py"]}""", "install.sh is not included")]
    [InlineData("""{"name": "a", "version": "1", "includes": ["install.sh"], "pre_build_cmds": [""]}""", "pre_build_cmds holds an empty command")]
    public void Problems_BadBuildfile_SaysWhy(string json, string expected)
    {
        SeedFiles();
        var buildfile = BuildfileCheck.Load(WriteBuildfile(json), out var error);
        Assert.NotNull(buildfile);

        Assert.Contains(BuildfileCheck.Problems(buildfile, _dir["app"]), p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{not json", "not a valid buildfile")]
    [InlineData("""{"name": "a", "colour": "red"}""", "not a valid buildfile")]
    [InlineData("""{"name": 5}""", "not a valid buildfile")]
    public void Load_BadJson_IsOneLine(string json, string expected)
    {
        Assert.Null(BuildfileCheck.Load(WriteBuildfile(json), out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void Problems_InstallScriptNotExecutableAndBadConf_AreReported()
    {
        _dir.Write("app/install.sh", "echo hi\n", GnuTar.Plain);
        _dir.Write("app/supervisor.conf", "[program:x]\nautorestart=true\n");
        var buildfile = BuildfileCheck.Load(WriteBuildfile("""{"name": "a", "version": "1", "includes": ["install.sh", "supervisor.conf"]}"""), out _)!;

        var problems = BuildfileCheck.Problems(buildfile, _dir["app"]);

        Assert.Equal(
            [
                "install.sh is not executable (chmod +x install.sh)",
                "install.sh does not start with a #! line",
                "supervisor.conf [program:x] has no command: a supervised app needs one",
            ],
            problems);
    }

    [Fact]
    public async Task Build_RunsCommandsPacksAndChecks_KeepingExecBits()
    {
        SeedFiles();
        var path = WriteBuildfile("""
            {
              "name": "test_app", "version": "1.2",
              "includes": ["install.sh", "supervisor.conf", "*.py", "lib", "generated.txt"],
              "excludes": ["**/*.pyc"],
              "pre_build_cmds": ["echo made > generated.txt"],
              "post_build_cmds": ["touch post-ran"]
            }
            """);
        using var log = new StringWriter();

        var build = await new AppTarballBuilder(TarballCheckOptions.Default, log).BuildAsync(path, CancellationToken.None);

        Assert.True(build.Succeeded, string.Join("; ", build.Problems));
        Assert.Equal(_dir["app/test_app.v1.2.tar.gz"], build.TarballPath);
        Assert.True(File.Exists(_dir["app/post-ran"]));
        Assert.Equal(5, build.Check!.Entries);

        // GNU tar agrees on the content and the modes.
        var listing = ChildProcess.Capture("tar", _dir["app"], "tvzf", "test_app.v1.2.tar.gz");
        Assert.Equal(0, listing.ExitCode);
        var lines = listing.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(["generated.txt", "install.sh", "lib/util.py", "supervisor.conf", "test_app.py"], lines.Select(l => l.Split(' ')[^1]));
        Assert.StartsWith("-rwxr-xr-x", lines.Single(l => l.EndsWith("install.sh", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_FailingPreBuildCommand_StopsWithoutATarball()
    {
        SeedFiles();
        var path = WriteBuildfile("""{"name": "a", "version": "1", "includes": ["install.sh"], "pre_build_cmds": ["exit 3"]}""");

        var build = await new AppTarballBuilder(TarballCheckOptions.Default, TextWriter.Null).BuildAsync(path, CancellationToken.None);

        Assert.Equal(["pre_build_cmds: 'exit 3' exited with 3"], build.Problems);
        Assert.False(File.Exists(_dir["app/a.v1.tar.gz"]));
    }
}
