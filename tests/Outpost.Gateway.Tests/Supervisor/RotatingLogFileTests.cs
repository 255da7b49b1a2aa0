using System.Text;
using Outpost.Gateway.Supervisor.Hosting;

namespace Outpost.Gateway.Tests.Supervisor;

public sealed class RotatingLogFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "outpost-log-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public void Write_PastMaxbytes_RotatesKeepingBackupsAndNeverExceedsTheLimit()
    {
        var path = Path.Combine(_dir, "app.log");
        using (var log = new RotatingLogFile(path, maxBytes: 10, backups: 2))
        {
            log.Write("0123456789ABCDEFGHIJ"u8);
            log.Write("klmnopqrstUVW"u8);
        }

        Assert.Equal("UVW", File.ReadAllText(path));
        Assert.Equal("klmnopqrst", File.ReadAllText(path + ".1"));
        Assert.Equal("ABCDEFGHIJ", File.ReadAllText(path + ".2"));
        Assert.False(File.Exists(path + ".3"));
    }

    [Fact]
    public void Write_MaxbytesZero_NeverRotates()
    {
        var path = Path.Combine(_dir, "app.log");
        using (var log = new RotatingLogFile(path, maxBytes: 0, backups: 2))
        {
            log.Write(new byte[100_000]);
        }

        Assert.Equal(100_000, new FileInfo(path).Length);
        Assert.False(File.Exists(path + ".1"));
    }

    [Fact]
    public void Write_BackupsZero_TruncatesInPlace()
    {
        var path = Path.Combine(_dir, "app.log");
        using (var log = new RotatingLogFile(path, maxBytes: 4, backups: 0))
        {
            log.Write("aaaabbbbcc"u8);
        }

        Assert.Equal("cc", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Open_ExistingFile_AppendsAndCountsItsSize()
    {
        var path = Path.Combine(_dir, "app.log");
        Directory.CreateDirectory(_dir);
        File.WriteAllText(path, "12345678");
        using (var log = new RotatingLogFile(path, maxBytes: 10, backups: 1))
        {
            log.Write("9ABC"u8);
        }

        Assert.Equal("123456789A", File.ReadAllText(path + ".1"));
        Assert.Equal("BC", File.ReadAllText(path));
    }

    [Fact]
    public void Write_FromManyThreads_LosesNothing()
    {
        var path = Path.Combine(_dir, "app.log");
        using (var log = new RotatingLogFile(path, maxBytes: 0, backups: 0))
        {
            Parallel.For(0, 200, i => log.Write(Encoding.ASCII.GetBytes($"line {i:000}\n")));
        }

        Assert.Equal(200, File.ReadAllLines(path).Distinct().Count());
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
