using System.Runtime.Versioning;
using System.Formats.Tar;
using System.IO.Compression;
using Outpost.Gateway.Apps;

namespace Outpost.Gateway.Tests.Apps;

/// <summary>
/// The corpus of hostile and broken tarballs of issue 6: each case builds its bytes (given the test's scratch dir, so
/// escapes aim at a directory the test can inspect) and names the problem line it must produce.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class HostileCorpus
{
    public sealed record Case(Func<ScratchDirectory, byte[]> Build, string Expected, TarballCheckOptions? Options = null, string FileName = "hostile.v1.tar.gz");

    private static readonly TarballCheckOptions OneMiB = new() { MaxUnpackedBytes = 1024 * 1024 };

    public static IReadOnlyDictionary<string, Case> Cases { get; } = new Dictionary<string, Case>
    {
        ["absolute path"] = new(_ => App().File("/etc/cron.d/evil", "x").Build(), "absolute path: /etc/cron.d/evil"),
        ["dot-dot escape"] = new(_ => App().File("../evil.sh", "x").Build(), "path with '..': ../evil.sh"),
        ["nested dot-dot escape"] = new(_ => App().File("a/b/../../../evil", "x").Build(), "path with '..': a/b/../../../evil"),
        ["symlink to absolute path"] = new(d => App().Symlink("out", d["outside"]).Build(), "symlink points outside the tarball: out -> "),
        ["symlink dot-dot escape"] = new(_ => App().Symlink("up", "../../..").Build(), "symlink points outside the tarball: up -> ../../.."),
        ["symlink escape through another symlink"] = new(
            _ => App().Directory("sub").Symlink("sub/l", "..").Symlink("esc", "sub/l/..").Build(),
            "symlink points outside the tarball: esc -> sub/l/.."),
        ["symlink made to escape by a later symlink"] = new(
            _ => App().Symlink("a", "l/..").Symlink("l", ".").Build(),
            "symlink points outside the tarball: a -> l/.."),
        ["symlink then file through it"] = new(
            d => App().Symlink("out", d["outside"]).File("out/pwned", "x").Build(),
            "path goes through a symlink: out/pwned (via out)"),
        ["inside symlink then file through it"] = new(
            _ => App().Directory("real").Symlink("alias", "real").File("alias/x", "x").Build(),
            "path goes through a symlink: alias/x (via alias)"),
        ["symlink loop"] = new(_ => App().Symlink("a", "b").Symlink("b", "a").File("a/x", "x").Build(), "path goes through a symlink: a/x"),
        ["hardlink to absolute path"] = new(_ => App().HardLink("passwd", "/etc/passwd").Build(), "hardlink points outside the tarball: passwd -> /etc/passwd"),
        ["hardlink dot-dot escape"] = new(_ => App().HardLink("h", "../../etc/shadow").Build(), "hardlink points outside the tarball: h -> ../../etc/shadow"),
        ["hardlink to a missing file"] = new(_ => App().HardLink("h", "etc/passwd").Build(), "hardlink does not point to a file earlier in the tarball: h -> etc/passwd"),
        ["hardlink to a symlink"] = new(d => App().Symlink("s", "install.sh").HardLink("h", "s").Build(), "hardlink does not point to a file earlier in the tarball: h -> s"),
        ["hardlinks multiplying a file"] = new(
            _ => App().File("big", new byte[600 * 1024]).HardLink("h1", "big").HardLink("h2", "big").Build(),
            "more than 1048576 bytes unpacked",
            OneMiB),
        ["character device"] = new(_ => App().Entry(TarEntryType.CharacterDevice, "mem").Build(), "device node: mem"),
        ["block device"] = new(_ => App().Entry(TarEntryType.BlockDevice, "sda").Build(), "device node: sda"),
        ["FIFO"] = new(_ => App().Entry(TarEntryType.Fifo, "pipe").Build(), "FIFO: pipe"),
        // The default 10,000 is covered by TarballCheckerTests; a lower limit keeps the extractor's run fast.
        ["too many entries"] = new(_ => ManyEntries(500), "more than 500 entries", new TarballCheckOptions { MaxEntries = 500 }),
        ["decompression bomb"] = new(_ => HostileTarball.Gzip(App().File("zeros", new byte[8 * 1024 * 1024]).Tar(), CompressionLevel.SmallestSize), "compression ratio over 200"),
        ["oversized"] = new(_ => App().File("noise", Noise(1536 * 1024)).Build(), "more than 1048576 bytes unpacked", OneMiB),
        ["not gzip"] = new(_ => App().Tar(), "not a gzip file"),
        ["empty file"] = new(_ => [], "not a gzip file"),
        ["gzip of something else"] = new(_ => HostileTarball.Gzip(Noise(4096)), "not a readable gzip tar"),
        ["truncated gzip"] = new(_ => Truncate(App().File("noise", Noise(64 * 1024)).Build(), 0.5), "truncated"),
        ["truncated gzip at the end"] = new(_ => Truncate(App().File("data", Noise(2000)).Build(), 0.97), "truncated"),
        ["tar lying about a size"] = new(_ => HostileTarball.Gzip(Truncate(App().File("big", Noise(20_000)).Tar(), 0.5)), "truncated"),
        ["trailing bomb after the archive"] = new(
            _ => HostileTarball.Gzip([.. App().Tar(), .. new byte[2 * 1024 * 1024]]),
            "bytes after the end of the tar archive"),
        ["GNU long name claiming 8 GiB"] = new(_ => HostileTarball.HugeMetadataHeader('L'), "not a readable gzip tar"),
        ["PAX header claiming 8 GiB"] = new(_ => HostileTarball.HugeMetadataHeader('x'), "not a readable gzip tar"),
        ["no entries"] = new(_ => HostileTarball.Gzip(new byte[1024]), "the tarball holds no entries"),
        ["no install.sh"] = new(_ => new HostileTarball().File("run.sh", "#!/bin/sh\n", GnuTar.Executable).Build(), "no install.sh at the top level or under a single top-level folder"),
        ["install.sh not executable"] = new(_ => new HostileTarball().File("install.sh", "#!/bin/sh\n", GnuTar.Plain).Build(), "install.sh is not executable (mode 0644)"),
        ["install.sh without shebang"] = new(_ => new HostileTarball().File("install.sh", "echo hi\n", GnuTar.Executable).Build(), "install.sh does not start with a #! line"),
        ["install.sh is a symlink"] = new(
            _ => new HostileTarball().File("run.sh", "#!/bin/sh\n", GnuTar.Executable).Symlink("install.sh", "run.sh").Build(),
            "install.sh is not a regular file"),
        ["two top folders"] = new(
            _ => new HostileTarball().File("a/install.sh", "#!/bin/sh\n", GnuTar.Executable).File("b/app.py", "x").Build(),
            "no install.sh at the top level or under a single top-level folder (found 2 top-level entries: a, b)"),
        ["install.sh two levels down"] = new(
            _ => new HostileTarball().File("a/b/install.sh", "#!/bin/sh\n", GnuTar.Executable).Build(),
            "no install.sh at the top level or under a single top-level folder"),
        ["bad tarball name"] = new(_ => App().Build(), "tarball name 'test_app.tar.gz' must look like NAME.vVERSION.tar.gz", FileName: "test_app.tar.gz"),
        ["supervisor.conf does not parse"] = new(_ => App().File("supervisor.conf", "command=python app.py\n").Build(), "supervisor.conf: line 1:"),
        ["supervisor.conf without a program"] = new(
            _ => App().File("supervisor.conf", "[unix_http_server]\nfile=/tmp/s.sock\n").Build(),
            "supervisor.conf has no [program:x] or [supervisord] section"),
        ["supervisor.conf not UTF-8"] = new(_ => App().File("supervisor.conf", [0x5b, 0xff, 0xfe, 0x5d]).Build(), "supervisor.conf is not valid UTF-8"),
        ["entry twice"] = new(_ => App().File("install.sh", "#!/bin/sh\nrm -rf /\n", GnuTar.Executable).Build(), "entry appears more than once: install.sh"),
        ["path under a file"] = new(_ => App().File("f", "x").File("f/g", "y").Build(), "path goes under a file: f/g (under f)"),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    private static HostileTarball App() => HostileTarball.ValidApp();

    /// <summary>A valid app plus <paramref name="count"/> empty directories.</summary>
    public static byte[] ManyEntries(int count)
    {
        var tarball = App();
        for (var i = 0; i < count; i++)
        {
            tarball.Entry(TarEntryType.Directory, $"d{i}/", mode: GnuTar.Executable);
        }

        return tarball.Build();
    }

    private static byte[] Noise(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Truncate(byte[] bytes, double fraction) => bytes[..(int)(bytes.Length * fraction)];
}
