using System.Runtime.Versioning;
using System.Security.Cryptography;
using Outpost.Gateway.Apps;

namespace Outpost.Gateway.Tests.Apps;

[UnsupportedOSPlatform("windows")]
public sealed class TarballCheckerTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task CheckFile_SeedLayoutFromGnuTar_Passes()
    {
        var path = GnuTar.SeedApp(_dir);

        var result = await new TarballChecker().CheckFileAsync(path, CancellationToken.None);

        Assert.Empty(result.Problems);
        Assert.True(result.Passed);
        Assert.Equal(new("test_app", "1"), result.Name);
        Assert.Null(result.TopFolder);
        Assert.Equal("install.sh", result.InstallScriptPath);
        Assert.Equal("supervisor.conf", result.SupervisorConfPath);
        Assert.Equal("[program:test_app]\ncommand = python test_app.py\n", result.SupervisorConfText);
        Assert.Equal(3, result.Entries);
        Assert.Equal(new FileInfo(path).Length, result.CompressedBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), result.Sha256);
        Assert.True(result.UnpackedBytes > 0);
    }

    [Fact]
    public async Task CheckFile_MultiMemberGzipGnuTarAccepts_Passes_AndItsLastMemberCutShort_IsRefused()
    {
        // A tar split across two gzip members (as `cat a.gz b.gz`, pigz, or a resumed write make): GNU tar reads it.
        _dir.Write("src/supervisor.conf", "[program:test_app]\ncommand = python test_app.py\n");
        _dir.Write("src/install.sh", GnuTar.SeedInstallScript, GnuTar.Executable);
        _dir.Write("src/data.bin", Convert.ToHexString(RandomNumberGenerator.GetBytes(20_000)));
        GnuTar.Run(_dir["src"], "cf", "app.tar", "supervisor.conf", "install.sh", "data.bin");
        ChildProcess.Run("sh", _dir["src"], "-c",
            "head -c 7001 app.tar | gzip -n > a.gz && tail -c +7002 app.tar | gzip -n > b.gz && cat a.gz b.gz > test_app.v1.tar.gz"
            + " && head -c $(( $(wc -c < test_app.v1.tar.gz) - 6 )) test_app.v1.tar.gz > cut && mkdir cut.d && cp cut cut.d/test_app.v1.tar.gz");
        GnuTar.Run(_dir["src"], "tzf", "test_app.v1.tar.gz");

        var whole = await new TarballChecker().CheckFileAsync(_dir["src/test_app.v1.tar.gz"], CancellationToken.None);
        var cut = await new TarballChecker().CheckFileAsync(_dir["src/cut.d/test_app.v1.tar.gz"], CancellationToken.None);

        Assert.Empty(whole.Problems);
        Assert.True(whole.Passed);
        Assert.Equal(3, whole.Entries);
        Assert.False(cut.Passed);
        Assert.Contains(cut.Problems, p => p.Contains("truncated", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1, 300, "path with a name longer than 255 bytes: ")]
    [InlineData(17, 250, "path longer than 4095 bytes: ")]
    public async Task CheckFile_NameOrPathLinuxCannotCreate_IsOneLineNamingTheEntry(int depth, int nameBytes, string problem)
    {
        // GNU tar writes such names (its --transform renames on the way in); no Linux file system can hold them.
        _dir.Write("src/supervisor.conf", "[program:test_app]\ncommand = python test_app.py\n");
        _dir.Write("src/install.sh", GnuTar.SeedInstallScript, GnuTar.Executable);
        _dir.Write("src/x", "x\n");
        var longPath = string.Join('/', Enumerable.Range(0, depth).Select(i => new string((char)('a' + i), nameBytes)));
        GnuTar.Run(_dir["src"], "czf", "test_app.v1.tar.gz", "--transform", $"s|^x$|{longPath}|", "supervisor.conf", "install.sh", "x");

        var result = await new TarballChecker().CheckFileAsync(_dir["src/test_app.v1.tar.gz"], CancellationToken.None);

        Assert.Equal(problem + longPath[..120] + "…", Assert.Single(result.Problems));
    }

    [Fact]
    public async Task CheckFile_OneTopFolderFromGnuTar_FindsTheFolder()
    {
        _dir.Write("src/test_app/install.sh", GnuTar.SeedInstallScript, GnuTar.Executable);
        _dir.Write("src/test_app/supervisor.conf", "[supervisord]\ncommand=./run\n");
        _dir.Write("src/test_app/lib/util.py", "x = 1\n");
        GnuTar.Run(_dir["src"], "zcvf", "test_app.v2.0.tar.gz", "test_app");

        var result = await new TarballChecker().CheckFileAsync(_dir["src/test_app.v2.0.tar.gz"], CancellationToken.None);

        Assert.Empty(result.Problems);
        Assert.Equal("test_app", result.TopFolder);
        Assert.Equal("test_app/install.sh", result.InstallScriptPath);
        Assert.Equal("test_app/supervisor.conf", result.SupervisorConfPath);
        Assert.Equal("[supervisord]\ncommand=./run\n", result.SupervisorConfText);
        Assert.Equal(5, result.Entries); // test_app/, install.sh, supervisor.conf, lib/, lib/util.py
    }

    [Fact]
    public async Task CheckFile_SupervisorConfWithABadValue_FailsNamingItsLine()
    {
        // What the install would refuse after install.sh ran, gwe -z (and the install's own check) refuses up front.
        _dir.Write("src/install.sh", GnuTar.SeedInstallScript, GnuTar.Executable);
        _dir.Write("src/supervisor.conf", "[supervisord]\ncommand=./run\nstartsecs=soon\n");
        GnuTar.Run(_dir["src"], "zcvf", "test_app.v1.tar.gz", "supervisor.conf", "install.sh");

        var result = await new TarballChecker().CheckFileAsync(_dir["src/test_app.v1.tar.gz"], CancellationToken.None);

        Assert.Equal(["supervisor.conf line 3: [program:test_app] startsecs: 'soon' is not a whole number ≥ 0"], result.Problems);
    }

    [Fact]
    public async Task CheckFile_DotPrefixedPathsAndNoSupervisorConf_Passes()
    {
        _dir.Write("src/install.sh", "#!/bin/sh\nreboot\n", GnuTar.Executable);
        _dir.Write("src/sub/data.txt", "d");
        GnuTar.Run(_dir["src"], "czf", "../oneoff.v1.tar.gz", ".");

        var result = await new TarballChecker().CheckFileAsync(_dir["oneoff.v1.tar.gz"], CancellationToken.None);

        Assert.Empty(result.Problems);
        Assert.Null(result.TopFolder);
        Assert.Equal("install.sh", result.InstallScriptPath);
        Assert.Null(result.SupervisorConfPath);
        Assert.Null(result.SupervisorConfText);
    }

    [Fact]
    public async Task CheckFile_SymlinksInsideTheTarball_Pass()
    {
        _dir.Write("src/app/install.sh", "#!/bin/sh\n", GnuTar.Executable);
        _dir.Write("src/app/lib/v1/mod.py", "x");
        File.CreateSymbolicLink(_dir["src/app/current"], "lib/v1");
        File.CreateSymbolicLink(_dir["src/app/lib/v1/back"], "../../install.sh");
        GnuTar.Run(_dir["src"], "czf", "../links.v1.tar.gz", "app");

        var result = await new TarballChecker().CheckFileAsync(_dir["links.v1.tar.gz"], CancellationToken.None);

        Assert.Empty(result.Problems);
    }

    [Fact]
    public async Task CheckFile_MissingFile_IsOneProblemLine()
    {
        var result = await new TarballChecker().CheckFileAsync(_dir["nope.v1.tar.gz"], CancellationToken.None);

        var problem = Assert.Single(result.Problems);
        Assert.EndsWith("nope.v1.tar.gz: no such file", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckFile_Directory_IsOneProblemLine()
    {
        Directory.CreateDirectory(_dir["d.v1.tar.gz"]);

        var result = await new TarballChecker().CheckFileAsync(_dir["d.v1.tar.gz"], CancellationToken.None);

        Assert.Contains("is a directory", Assert.Single(result.Problems), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HostileCorpus.Names), MemberType = typeof(HostileCorpus))]
    public async Task Check_HostileCorpus_IsRejectedWithTheRightProblem(string name)
    {
        var @case = HostileCorpus.Cases[name];
        using var stream = new MemoryStream(@case.Build(_dir));

        var result = await new TarballChecker(@case.Options ?? TarballCheckOptions.Default).CheckAsync(stream, @case.FileName, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Contains(result.Problems, p => p.Contains(@case.Expected, StringComparison.Ordinal));
        Assert.All(result.Problems, p => Assert.DoesNotContain('\n', p));
    }

    [Theory]
    [InlineData(9_999, true)] // install.sh + 9,999 directories = 10,000 entries
    [InlineData(10_000, false)]
    public async Task Check_DefaultEntryLimit_IsTenThousand(int directories, bool passes)
    {
        using var stream = new MemoryStream(HostileCorpus.ManyEntries(directories));

        var result = await new TarballChecker().CheckAsync(stream, "many.v1.tar.gz", CancellationToken.None);

        Assert.Equal(passes, result.Passed);
        Assert.Equal(passes ? [] : ["more than 10000 entries"], result.Problems);
    }

    [Fact]
    public async Task Check_UnpackedBytes_CountContentActuallyRead()
    {
        // A header may claim any size; the limit counts bytes actually decompressed, so a claim alone is not enough.
        Assert.Equal(512L * 1024 * 1024, TarballCheckOptions.Default.MaxUnpackedBytes);
        Assert.Equal(200, TarballCheckOptions.Default.MaxCompressionRatio);
        using var stream = new MemoryStream(HostileTarball.ValidApp().File("a", new byte[300_000]).Build());

        var result = await new TarballChecker(new TarballCheckOptions { MaxCompressionRatio = 1e9 }).CheckAsync(stream, "a.v1.tar.gz", CancellationToken.None);

        Assert.True(result.Passed);
        Assert.Equal(300_000 + "#!/bin/sh\necho ok\n".Length, result.UnpackedBytes);
    }

    [Fact]
    public void HostileCorpus_HasAtLeastTwentyCases() => Assert.True(HostileCorpus.Cases.Count >= 20);

    [Fact]
    public async Task Check_ManyProblems_AreCappedWithASummaryLine()
    {
        var tarball = HostileTarball.ValidApp();
        for (var i = 0; i < 60; i++)
        {
            tarball.File($"/abs/{i}", "x");
        }

        using var stream = new MemoryStream(tarball.Build());
        var result = await new TarballChecker(new TarballCheckOptions { MaxProblems = 10 }).CheckAsync(stream, "a.v1.tar.gz", CancellationToken.None);

        Assert.Equal(11, result.Problems.Count);
        Assert.Equal("… and 50 more problems", result.Problems[^1]);
    }
}
