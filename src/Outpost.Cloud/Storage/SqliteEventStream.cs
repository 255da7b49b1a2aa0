using Outpost.Cloud.Stream;

namespace Outpost.Cloud.Storage;

/// <summary>The event stream as a table of the embedded store, with consumer offsets beside it.</summary>
internal sealed class SqliteEventStream(SqliteDatabase database) : IEventStream
{
    /// <summary>
    /// Eight groups of bulk uploads (8 requests of 1,000 values are one group of 8,000 events). Consumers that keep up
    /// read each group right after its commit; further behind they read the table, which costs the server more than
    /// the writes themselves: with 8,192 a consumer that missed one turn of bulk groups fell off the tail and read
    /// the table from then on (15 % of the server's CPU at 200k values/s). Not unbounded: whatever the tail holds
    /// outlives the youngest GC generation (~7 MB at this size).
    /// </summary>
    private const int TailCapacity = 65_536;

    private readonly EventTail _tail = new(TailCapacity);
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<IReadOnlyList<DeviceEvent>> ReadAsync(long afterOffset, int max, string? productId, CancellationToken cancellationToken)
    {
        if (_tail.TryRead(afterOffset, max, productId) is { } held)
        {
            return held;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT e.offset_id, e.product_id, COALESCE(d.serial, ''), e.alias, e.value, e.ts_ms, e.kind, e.source
            FROM events e LEFT JOIN devices d ON d.id = e.device_id
            WHERE e.offset_id > $after AND ($pid IS NULL OR e.product_id = $pid)
            ORDER BY e.offset_id LIMIT $max
            """;
        select.Parameters.AddWithValue("$after", afterOffset);
        select.Parameters.AddWithValue("$pid", (object?)productId ?? DBNull.Value);
        select.Parameters.AddWithValue("$max", max);
        var events = new List<DeviceEvent>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new DeviceEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetInt64(5), reader.GetString(6), reader.GetString(7)));
        }

        return events;
    }

    public async Task<long> HeadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT COALESCE(MAX(offset_id), 0) FROM events";
        return (long)(await select.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<long> GetOffsetAsync(string consumer, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT offset_id FROM consumer_offsets WHERE consumer = $c";
        select.Parameters.AddWithValue("$c", consumer);
        return await select.ExecuteScalarAsync(cancellationToken) is long offset ? offset : 0;
    }

    public async Task CommitOffsetAsync(string consumer, long offset, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var upsert = connection.CreateCommand();
        // Not synced to disk (only this connection; the next open sets FULL again): a consumer's offset may be lost
        // with power — not with a killed process, the WAL write is in the OS cache — and the consumer then handles a
        // batch again, which at-least-once delivery allows. Consumers commit an offset after every group the write
        // path commits; as a durable commit each was an extra fsync, holding the write lock the next group waits for.
        upsert.CommandText = """
            PRAGMA synchronous=NORMAL;
            INSERT INTO consumer_offsets (consumer, offset_id) VALUES ($c, $o)
            ON CONFLICT (consumer) DO UPDATE SET offset_id = excluded.offset_id
            """;
        upsert.Parameters.AddWithValue("$c", consumer);
        upsert.Parameters.AddWithValue("$o", offset);
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task NextAppendAsync() => Volatile.Read(ref _next).Task;

    public void Appended(IReadOnlyList<DeviceEvent> events)
    {
        _tail.Append(events);
        Wake();
    }

    public void Appended(long offset)
    {
        _tail.AppendedElsewhere(offset);
        Wake();
    }

    public async Task<int> TrimAsync(long olderThanMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var delete = connection.CreateCommand();
        delete.CommandText = """
            DELETE FROM events WHERE created_ms < $t
              AND offset_id <= COALESCE((SELECT MIN(offset_id) FROM consumer_offsets), 9223372036854775807)
            """;
        delete.Parameters.AddWithValue("$t", olderThanMs);
        return await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    private void Wake() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
