using Microsoft.Data.Sqlite;
using Outpost.Gateway.Queue;

namespace Outpost.Gateway.Tests.Queue;

/// <summary>A queue file written by a gwe from before the <c>purged</c> total opens, keeps its totals and gains the column.</summary>
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
