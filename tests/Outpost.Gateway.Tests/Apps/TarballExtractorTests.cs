using System.Runtime.Versioning;
using Outpost.Gateway.Apps;
using Outpost.Protocol.Tarballs;

namespace Outpost.Gateway.Tests.Apps;

[UnsupportedOSPlatform("windows")]
public sealed class TarballExtractorTests : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public TarballExtractorTests()
    {
        // A canary beside the apps dir: symlink escapes aim here.
        _dir.Write("outside/canary", "untouched");
    }

    public void Dispose() => _dir.Dispose();

    private string Apps => _dir["apps"];

    [Fact]
    public async Task ExtractFile_SeedTarball_FillsTheSlotAndKeepsTheExecBit()
    {
        var tarball = GnuTar.SeedApp(_dir);
        var slot = TarballExtractor.SlotPath(Apps, TarballName.Parse("test_app.v1.tar.gz"));

        var extraction = await new TarballExtractor().ExtractFileAsync(tarball, slot, CancellationToken.None);

        Assert.True(extraction.Succeeded, string.Join("; ", extraction.Check.Problems));
        Assert.Equal(Path.Join(Apps, "test_app", "1"), extraction.SlotDirectory);
        Assert.Equal(["install.sh", "supervisor.conf", "test_app.py"], Directory.GetFiles(slot).Select(Path.GetFileName).Order());
        Assert.Equal(GnuTar.SeedInstallScript, File.ReadAllText(Path.Join(slot, "install.sh")));
        Assert.Equal(GnuTar.Executable, File.GetUnixFileMode(Path.Join(slot, "install.sh")));
        Assert.Equal(GnuTar.Plain, File.GetUnixFileMode(Path.Join(slot, "test_app.py")));
        // Only the slot is left beside it: the temp dir was renamed, not copied.
        Assert.Equal([slot], Directory.GetFileSystemEntries(Path.Join(Apps, "test_app")));
    }

    [Fact]
    public async Task ExtractFile_OneTopFolderWithLinks_RecreatesTheTree()
    {
        _dir.Write("src/app/install.sh", "#!/bin/sh\n", GnuTar.Executable);
        _dir.Write("src/app/lib/v1/mod.py", "mod");
        File.CreateSymbolicLink(_dir["src/app/current"], "lib/v1");
        ChildProcess.Run("ln", _dir["src/app"], "lib/v1/mod.py", "mod-copy.py");
        GnuTar.Run(_dir["src"], "czf", "../app.v3.tar.gz", "app");
        var slot = Path.Join(Apps, "app", "3");

        var extraction = await new TarballExtractor().ExtractFileAsync(_dir["app.v3.tar.gz"], slot, CancellationToken.None);

        Assert.True(extraction.Succeeded, string.Join("; ", extraction.Check.Problems));
        Assert.Equal("lib/v1", new FileInfo(Path.Join(slot, "app/current")).LinkTarget);
        Assert.Equal("mod", File.ReadAllText(Path.Join(slot, "app/current/mod.py")));
        Assert.Equal("mod", File.ReadAllText(Path.Join(slot, "app/mod-copy.py")));
        Assert.True((File.GetUnixFileMode(Path.Join(slot, "app/install.sh")) & UnixFileMode.UserExecute) != 0);
    }

    [Fact]
    public async Task Extract_SetuidBit_IsDropped()
    {
        var bytes = HostileTarball.ValidApp().File("tool", "x", (UnixFileMode)0xDED /* 06755 */).Build();
        var slot = Path.Join(Apps, "a", "1");

        var extraction = await new TarballExtractor().ExtractAsync(new MemoryStream(bytes), "a.v1.tar.gz", slot, CancellationToken.None);

        Assert.True(extraction.Succeeded);
        Assert.Equal(GnuTar.Executable, File.GetUnixFileMode(Path.Join(slot, "tool")));
    }

    [Fact]
    public async Task Extract_ExistingSlot_IsRefusedAndLeftAlone()
    {
        var slot = Path.Join(Apps, "a", "1");
        Directory.CreateDirectory(slot);
        File.WriteAllText(Path.Join(slot, "keep"), "old");

        var extraction = await new TarballExtractor().ExtractAsync(new MemoryStream(HostileTarball.ValidApp().Build()), "a.v1.tar.gz", slot, CancellationToken.None);

        Assert.False(extraction.Succeeded);
        Assert.StartsWith("slot already exists", Assert.Single(extraction.Check.Problems), StringComparison.Ordinal);
        Assert.Equal(["keep"], Directory.GetFileSystemEntries(slot).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Extract_Cancelled_LeavesNothingBehind()
    {
        var bytes = HostileTarball.ValidApp().File("data", new byte[100_000]).Build();
        var slot = Path.Join(Apps, "a", "1");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new TarballExtractor().ExtractAsync(new MemoryStream(bytes), "a.v1.tar.gz", slot, cts.Token));

        Assert.Empty(Directory.GetFileSystemEntries(Path.Join(Apps, "a")));
    }

    [Fact]
    public void RemoveLeftovers_DeletesOnlyInterruptedTempDirs()
    {
        var appDir = Path.Join(Apps, "a");
        Directory.CreateDirectory(Path.Join(appDir, "1"));
        Directory.CreateDirectory(Path.Join(appDir, ".2" + TarballExtractor.TempMarker + "0123456789ab", "sub"));
        File.CreateSymbolicLink(Path.Join(appDir, ".2" + TarballExtractor.TempMarker + "0123456789ab", "out"), _dir["outside"]);

        Assert.Equal(1, TarballExtractor.RemoveLeftovers(appDir));

        Assert.Equal([Path.Join(appDir, "1")], Directory.GetFileSystemEntries(appDir));
        Assert.Equal("untouched", File.ReadAllText(_dir["outside/canary"]));
        Assert.Equal(0, TarballExtractor.RemoveLeftovers(Path.Join(Apps, "missing")));
    }

    [Theory]
    [MemberData(nameof(HostileCorpus.Names), MemberType = typeof(HostileCorpus))]
    public async Task Extract_HostileCorpus_WritesNothingAnywhere(string name)
    {
        var @case = HostileCorpus.Cases[name];
        var bytes = @case.Build(_dir);
        var slot = Path.Join(Apps, "hostile", "1");

        var extraction = await new TarballExtractor(@case.Options ?? TarballCheckOptions.Default)
            .ExtractAsync(new MemoryStream(bytes), @case.FileName, slot, CancellationToken.None);

        Assert.False(extraction.Succeeded);
        Assert.Contains(extraction.Check.Problems, p => p.Contains(@case.Expected, StringComparison.Ordinal));
        // No slot, no temp dir left beside it, nothing new next to the apps dir, the canary untouched.
        Assert.Empty(Directory.GetFileSystemEntries(Path.Join(Apps, "hostile")));
        Assert.Equal([_dir["apps"], _dir["outside"]], Directory.GetFileSystemEntries(_dir.Path).Order());
        Assert.Equal([_dir["outside/canary"]], Directory.GetFileSystemEntries(_dir["outside"]));
        Assert.Equal("untouched", File.ReadAllText(_dir["outside/canary"]));
    }
}
