using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Gateway.Queue;

namespace Outpost.Gateway.Tests.Queue;

/// <summary>A temp directory holding one test's queue file; deleted with the test.</summary>
internal sealed class QueueDirectory : IDisposable
{
    public QueueDirectory()
    {
        Path = Directory.CreateTempSubdirectory("outpost-gmq-").FullName;
    }

    public string Path { get; }

    public string File => System.IO.Path.Combine(Path, "gmq.db");

    public QueueOptions Options(Func<QueueOptions, QueueOptions>? change = null)
    {
        // min_free_disk off by default: the build machine's disk is not the subject of most tests.
        var options = new QueueOptions { Path = File, MinFreeDiskPercent = 0 };
        return change is null ? options : change(options);
    }

    /// <summary>next_seq and enqueued as the queue file's meta row holds them; only while no queue has the file open.</summary>
    public (long NextSequence, long Enqueued) ReadMetaRow()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={File};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT next_seq, enqueued FROM meta WHERE id = 1";
        using var reader = select.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public Task<MessageQueue> OpenAsync(TimeProvider? time = null, Func<QueueOptions, QueueOptions>? change = null) =>
        MessageQueue.OpenAsync(Options(change), time ?? TimeProvider.System, NullLogger.Instance);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process killed by a test may still be releasing the file; the OS temp cleaner gets it later.
        }
    }
}
