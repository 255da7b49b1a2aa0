using Microsoft.Data.Sqlite;
using Outpost.Cloud.Ingest;

namespace Outpost.Cloud.Storage;

/// <summary>
/// Values on the embedded SQLite store. <see cref="CommitAsync"/> runs on one long-lived connection with prepared
/// statements, called only by the write path's single writer, so a whole group of requests costs one fsync.
/// </summary>
internal sealed class SqliteValueStore(SqliteDatabase database) : IValueStore, IDisposable
{
    private readonly Lock _gate = new();
    private SqliteConnection? _writer;
    private SqliteCommand? _insertSample;
    private SqliteCommand? _upsertLatest;
    private SqliteCommand? _insertMessage;

    public async Task<IReadOnlyList<IReadOnlyList<ValuePoint>>> CommitAsync(IReadOnlyList<WriteBatch> batches, long nowMs, CancellationToken cancellationToken)
    {
        EnsureWriter();
        var stored = new List<IReadOnlyList<ValuePoint>>(batches.Count);
        using var tx = _writer!.BeginTransaction();
        _insertSample!.Transaction = tx;
        _upsertLatest!.Transaction = tx;
        _insertMessage!.Transaction = tx;
        try
        {
            foreach (var batch in batches)
            {
                var kept = batch.MessageIds is null ? batch.Points : new List<ValuePoint>(batch.Points.Count);
                for (var i = 0; i < batch.Points.Count; i++)
                {
                    var point = batch.Points[i];
                    if (batch.MessageIds is { } ids)
                    {
                        _insertMessage.Parameters[0].Value = batch.DeviceId;
                        _insertMessage.Parameters[1].Value = ids[i];
                        _insertMessage.Parameters[2].Value = nowMs;
                        if (await _insertMessage.ExecuteNonQueryAsync(cancellationToken) == 0)
                        {
                            continue; // Seen before: acknowledged again, not stored twice.
                        }

                        ((List<ValuePoint>)kept).Add(point);
                    }

                    _insertSample.Parameters[0].Value = batch.DeviceId;
                    _insertSample.Parameters[1].Value = point.Alias;
                    _insertSample.Parameters[2].Value = point.TimestampMs;
                    _insertSample.Parameters[3].Value = point.Value;
                    await _insertSample.ExecuteNonQueryAsync(cancellationToken);
                }

                foreach (var point in LatestPerAlias(kept))
                {
                    _upsertLatest.Parameters[0].Value = batch.DeviceId;
                    _upsertLatest.Parameters[1].Value = point.Alias;
                    _upsertLatest.Parameters[2].Value = point.TimestampMs;
                    _upsertLatest.Parameters[3].Value = point.Value;
                    await _upsertLatest.ExecuteNonQueryAsync(cancellationToken);
                }

                stored.Add(kept);
            }

            await tx.CommitAsync(cancellationToken);
        }
        catch
        {
            // A failed group leaves the connection usable for the next one.
            await tx.RollbackAsync(CancellationToken.None);
            throw;
        }

        return stored;
    }

    public async Task<IReadOnlyDictionary<string, StoredValue>> ReadLatestAsync(long deviceId, IReadOnlyCollection<string> aliases, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, StoredValue>(StringComparer.Ordinal);
        if (aliases.Count == 0)
        {
            return result;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        var names = aliases.Select((_, i) => "$a" + i).ToList();
        select.CommandText = $"SELECT alias, ts_ms, value FROM latest_values WHERE device_id = $d AND alias IN ({string.Join(", ", names)})";
        select.Parameters.AddWithValue("$d", deviceId);
        var n = 0;
        foreach (var alias in aliases)
        {
            select.Parameters.AddWithValue("$a" + n++, alias);
        }

        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var alias = reader.GetString(0);
            result[alias] = new StoredValue(alias, reader.GetInt64(1), reader.GetString(2));
        }

        return result;
    }

    public async Task<IReadOnlyList<StoredValue>> ReadHistoryAsync(long deviceId, string alias, long fromMs, long toMs, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT ts_ms, value FROM samples WHERE device_id = $d AND alias = $a AND ts_ms >= $from AND ts_ms <= $to
            ORDER BY ts_ms DESC, seq DESC LIMIT $limit
            """;
        select.Parameters.AddWithValue("$d", deviceId);
        select.Parameters.AddWithValue("$a", alias);
        select.Parameters.AddWithValue("$from", fromMs);
        select.Parameters.AddWithValue("$to", toMs);
        select.Parameters.AddWithValue("$limit", limit);
        var result = new List<StoredValue>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new StoredValue(alias, reader.GetInt64(0), reader.GetString(1)));
        }

        return result;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _insertSample?.Dispose();
            _upsertLatest?.Dispose();
            _insertMessage?.Dispose();
            _writer?.Dispose();
            _writer = null;
        }
    }

    /// <summary>
    /// The one point per alias that upserting every point in order would leave as latest: the last of those with the
    /// highest timestamp (the upsert keeps ties, so a later equal timestamp wins). A batch or record request of a
    /// thousand points of one alias then costs one upsert instead of a thousand.
    /// </summary>
    private static IEnumerable<ValuePoint> LatestPerAlias(IReadOnlyList<ValuePoint> points)
    {
        if (points.Count <= 1)
        {
            return points;
        }

        var latest = new Dictionary<string, ValuePoint>(StringComparer.Ordinal);
        foreach (var point in points)
        {
            if (!latest.TryGetValue(point.Alias, out var current) || point.TimestampMs >= current.TimestampMs)
            {
                latest[point.Alias] = point;
            }
        }

        return latest.Values;
    }

    private void EnsureWriter()
    {
        if (_writer is not null)
        {
            return;
        }

        lock (_gate)
        {
            _writer = database.Open();
            _insertSample = Prepare("INSERT INTO samples (device_id, alias, ts_ms, value) VALUES ($d, $a, $t, $v)", "$d", "$a", "$t", "$v");
            // Latest never moves backwards: a recorded point older than the current value only joins the history.
            _upsertLatest = Prepare("""
                INSERT INTO latest_values (device_id, alias, ts_ms, value) VALUES ($d, $a, $t, $v)
                ON CONFLICT (device_id, alias) DO UPDATE SET ts_ms = excluded.ts_ms, value = excluded.value
                WHERE excluded.ts_ms >= latest_values.ts_ms
                """, "$d", "$a", "$t", "$v");
            _insertMessage = Prepare(
                "INSERT INTO message_ids (device_id, message_id, received_ms) VALUES ($d, $m, $t) ON CONFLICT DO NOTHING",
                "$d", "$m", "$t");
        }
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _writer!.CreateCommand();
        command.CommandText = sql;
        foreach (var p in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = p });
        }

        return command;
    }
}
