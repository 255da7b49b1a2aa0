using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Outpost.Gateway.Queue;

namespace Outpost.Bench;

/// <summary>
/// The reference the queue is measured against: plain SQLite on the same disk, same pragmas (<see cref="QueueStore.Pragmas"/>),
/// the same row shape as the queue, no channel, no accounting, no callers to wake.
/// </summary>
internal static class RawSqliteReference
{
    /// <summary>
    /// The queue's row, in a plain table with no index: what the queue's commits insert into (<c>queue_pending</c>), so
    /// the raw loop does the same page work per row, and none of the moves to the indexed table that the queue also pays.
    /// </summary>
    private const string Schema = """
        CREATE TABLE queue (
            seq INTEGER PRIMARY KEY, device_key TEXT NOT NULL, alias TEXT NOT NULL, captured_ms INTEGER NOT NULL,
            value TEXT NOT NULL, expires_ms INTEGER, bytes INTEGER NOT NULL, enqueued_ms INTEGER NOT NULL);
        """;

    public static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, QueueStore.Pragmas);
        return connection;
    }

    /// <summary>Inserts batches of <paramref name="batchSize"/> rows, one transaction (one fsync) each, for <paramref name="duration"/>.</summary>
    public static (long Values, long Commits, TimeSpan Elapsed) InsertLoop(string path, int batchSize, int devices, TimeSpan duration)
    {
        using var connection = Open(path);
        Execute(connection, Schema);
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO queue (seq, device_key, alias, captured_ms, value, expires_ms, bytes, enqueued_ms) " +
                             "VALUES ($seq, $device, $alias, $captured, $value, NULL, $bytes, $enqueued)";
        var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
        var device = insert.Parameters.Add("$device", SqliteType.Text);
        insert.Parameters.AddWithValue("$alias", "temp");
        var captured = insert.Parameters.Add("$captured", SqliteType.Integer);
        var value = insert.Parameters.Add("$value", SqliteType.Text);
        insert.Parameters.AddWithValue("$bytes", 80);
        insert.Parameters.AddWithValue("$enqueued", 1_700_000_000_000L);
        var deviceKeys = Enumerable.Range(0, devices).Select(d => EnqueueBenchmark.DeviceKey(d)).ToArray();

        long next = 1, commits = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            for (var i = 0; i < batchSize; i++, next++)
            {
                seq.Value = next;
                device.Value = deviceKeys[next % devices];
                captured.Value = next;
                value.Value = EnqueueBenchmark.Reading(next);
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
            commits++;
        }

        return (next - 1, commits, clock.Elapsed);
    }

    /// <summary>Drains a queue file oldest-first with one SELECT and one range DELETE per batch: FIFO, no fairness.</summary>
    public static (long Values, TimeSpan Elapsed) DrainLoop(string path, int batchSize)
    {
        using var connection = Open(path);
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT seq, device_key, alias, captured_ms, value FROM queue WHERE seq > $after ORDER BY seq LIMIT $limit";
        var after = select.Parameters.AddWithValue("$after", 0L);
        select.Parameters.AddWithValue("$limit", batchSize);
        using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM queue WHERE seq <= $through";
        var through = delete.Parameters.Add("$through", SqliteType.Integer);

        long drained = 0, last = 0;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var count = 0;
            after.Value = last;
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    last = reader.GetInt64(0);
                    _ = reader.GetString(4);
                    count++;
                }
            }

            if (count == 0)
            {
                return (drained, clock.Elapsed);
            }

            using var transaction = connection.BeginTransaction();
            delete.Transaction = transaction;
            through.Value = last;
            delete.ExecuteNonQuery();
            transaction.Commit();
            drained += count;
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
