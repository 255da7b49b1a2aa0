using Microsoft.Data.Sqlite;
using Outpost.Gateway.Queue;

namespace Outpost.Gateway.Tests.Queue;

/// <summary>
/// Queue files across gwe versions: one from before the <c>purged</c> total opens, keeps its totals and gains the
/// column; values in <c>queue_pending</c> (added later) are never stranded, whichever gwe opens the file next.
/// </summary>
public sealed class QueueSchemaMigrationTests : IDisposable
{
    private const string Instance = "0123456789abcdef0123456789abcdef";

    private readonly QueueDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task FileOfTheSchemaBeforePurge_Opens_KeepsItsTotals_AndCountsPurgesFromThen()
    {
        WriteSchemaBeforePurge();

        await using (var queue = await _dir.OpenAsync())
        {
            var stats = queue.Statistics;
            Assert.Equal(Instance, queue.InstanceId);
            Assert.Equal((1L, 2L, 10L, 5L, 2L), (stats.Depth, stats.DeadLetters, stats.Enqueued, stats.Forwarded, stats.Dropped));
            Assert.Equal(0, stats.DroppedPurged);
            Assert.Equal(stats.Enqueued, stats.Depth + stats.Forwarded + stats.Dropped + stats.DeadLetters);

            var purge = await queue.PurgeDeadLettersAsync(new DeadLetterSelection("void"));
            Assert.Equal((2L, 2L * (4 + 1 + 1 + MessageQueue.RowOverheadBytes)), (purge.Count, purge.Bytes));

            // The next id continues after the old file's sequence: ids are never reused across the migration.
            var next = await queue.EnqueueAsync([QueueSamples.Of("live", "a", 9, "n")]);
            Assert.Equal($"{Instance}-11", Assert.Single(next.MessageIds));
        }

        await using (var reopened = await _dir.OpenAsync())
        {
            var stats = reopened.Statistics;
            Assert.Equal((2L, 4L, 0L, 2L), (stats.DroppedPurged, stats.Dropped, stats.DeadLetters, stats.Depth));
            Assert.Equal(stats.Enqueued, stats.Depth + stats.Forwarded + stats.Dropped + stats.DeadLetters);
        }
    }

    [Fact]
    public async Task CleanClose_LeavesEveryValueInTheQueueTable_WhereAGweFromBeforeThePendingTableFindsIt()
    {
        WriteSchemaBeforePurge();
        await using (var queue = await _dir.OpenAsync())
        {
            await queue.EnqueueAsync([QueueSamples.Of("live", "a", 20, "x"), QueueSamples.Of("other", "b", 21, "y")]);
            await queue.EnqueueAsync([QueueSamples.Of("live", "a", 22, "z")]);
        }

        Assert.Equal((0L, 4L), (Count("queue_pending"), Count("queue")));
    }

    [Fact]
    public async Task ValuesLeftPendingByACrash_AreCountedAndForwardedInCaptureOrder_AfterReopening()
    {
        WriteSchemaBeforePurge();
        using (var connection = new SqliteConnection($"Data Source={_dir.File};Pooling=False"))
        {
            // As a gwe killed between a commit and the move would leave them: newer sequences, one captured earlier
            // than the value already indexed.
            connection.Open();
            using var crash = connection.CreateCommand();
            crash.CommandText = $"""
                CREATE TABLE queue_pending (
                    seq INTEGER PRIMARY KEY, device_key TEXT NOT NULL, alias TEXT NOT NULL, captured_ms INTEGER NOT NULL,
                    value TEXT NOT NULL, expires_ms INTEGER, bytes INTEGER NOT NULL, enqueued_ms INTEGER NOT NULL);
                INSERT INTO queue_pending VALUES (11, 'live', 'a', 7, 'p', NULL, 4 + 1 + 1 + {MessageQueue.RowOverheadBytes}, 1000);
                INSERT INTO queue_pending VALUES (12, 'live', 'a', 9, 'r', NULL, 4 + 1 + 1 + {MessageQueue.RowOverheadBytes}, 1000);
                """;
            crash.ExecuteNonQuery();
        }

        await using var queue = await _dir.OpenAsync();
        Assert.Equal(3, queue.Statistics.Depth);
        var batch = await queue.PeekBatchAsync(10, 1 << 20);
        Assert.Equal(["p", "q", "r"], batch.Select(m => m.Value));

        // The sequence continues after the pending rows: no message id is issued twice.
        var next = await queue.EnqueueAsync([QueueSamples.Of("live", "a", 30, "n")]);
        Assert.Equal($"{Instance}-13", Assert.Single(next.MessageIds));
    }

    private long Count(string table)
    {
        using var connection = new SqliteConnection($"Data Source={_dir.File};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM {table}";
        return (long)count.ExecuteScalar()!;
    }

    /// <summary>The file as schema 1 created it before <c>dropped_purged</c> existed (DDL copied from that version).</summary>
    private void WriteSchemaBeforePurge()
    {
        using var connection = new SqliteConnection($"Data Source={_dir.File};Pooling=False");
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = $"""
            PRAGMA journal_mode=WAL;
            CREATE TABLE meta (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                instance TEXT NOT NULL,
                next_seq INTEGER NOT NULL, enqueued INTEGER NOT NULL, forwarded INTEGER NOT NULL,
                dropped_overflow INTEGER NOT NULL, dropped_ttl INTEGER NOT NULL, dropped_disk INTEGER NOT NULL,
                rejected INTEGER NOT NULL, dead_lettered INTEGER NOT NULL);
            CREATE TABLE queue (
                seq INTEGER PRIMARY KEY, device_key TEXT NOT NULL, alias TEXT NOT NULL, captured_ms INTEGER NOT NULL,
                value TEXT NOT NULL, expires_ms INTEGER, bytes INTEGER NOT NULL, enqueued_ms INTEGER NOT NULL);
            CREATE INDEX queue_by_device ON queue (device_key, captured_ms, seq);
            CREATE INDEX queue_by_expiry ON queue (expires_ms) WHERE expires_ms IS NOT NULL;
            CREATE TABLE dead_letter (
                seq INTEGER PRIMARY KEY, device_key TEXT NOT NULL, alias TEXT NOT NULL, captured_ms INTEGER NOT NULL,
                value TEXT NOT NULL, expires_ms INTEGER, bytes INTEGER NOT NULL, enqueued_ms INTEGER NOT NULL,
                reason TEXT NOT NULL, dead_ms INTEGER NOT NULL);
            CREATE TABLE credential (device_key TEXT PRIMARY KEY, cik TEXT, vendor TEXT, model TEXT, serial TEXT, updated_ms INTEGER NOT NULL);
            PRAGMA user_version = 1;
            INSERT INTO meta VALUES (1, '{Instance}', 11, 10, 5, 1, 1, 0, 3, 2);
            INSERT INTO queue VALUES (10, 'live', 'a', 8, 'q', NULL, 4 + 1 + 1 + {MessageQueue.RowOverheadBytes}, 1000);
            INSERT INTO dead_letter VALUES (3, 'void', 'a', 3, 'd', NULL, 4 + 1 + 1 + {MessageQueue.RowOverheadBytes}, 1000, 'cik rejected (401)', 2000);
            INSERT INTO dead_letter VALUES (4, 'void', 'a', 4, 'e', NULL, 4 + 1 + 1 + {MessageQueue.RowOverheadBytes}, 1000, 'cik rejected (401)', 2000);
            """;
        create.ExecuteNonQuery();
    }
}
