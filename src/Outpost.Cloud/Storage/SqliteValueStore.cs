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
    private SqliteCommand? _insertEvent;
    private SqliteCommand? _selectLatest;

    public async Task<IReadOnlyList<IReadOnlyList<ValuePoint>>> CommitAsync(IReadOnlyList<WriteBatch> batches, long nowMs, CancellationToken cancellationToken)
    {
        EnsureWriter();
        var stored = new List<IReadOnlyList<ValuePoint>>(batches.Count);
        using var tx = _writer!.BeginTransaction();
        _insertSample!.Transaction = tx;
        _upsertLatest!.Transaction = tx;
        _insertMessage!.Transaction = tx;
        _insertEvent!.Transaction = tx;
        _selectLatest!.Transaction = tx;
        try
        {
            foreach (var batch in batches)
            {
                var kept = batch.MessageIds is null
                    ? (batch.Source == Stream.WriteSource.Device ? batch.Points : batch.Points.ToList())
                    : new List<ValuePoint>(batch.Points.Count);
                for (var i = 0; i < batch.Points.Count; i++)
                {
                    var point = batch.Points[i];
                    if (batch.Source != Stream.WriteSource.Device)
                    {
                        point = await SpaceCommandAsync(batch.DeviceId, point, cancellationToken);
                    }

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
                    else if (batch.Source != Stream.WriteSource.Device)
                    {
                        ((List<ValuePoint>)kept)[i] = point;
                    }

                    _insertSample.Parameters[0].Value = batch.DeviceId;
                    _insertSample.Parameters[1].Value = point.Alias;
                    _insertSample.Parameters[2].Value = point.TimestampMs;
                    _insertSample.Parameters[3].Value = point.Value;
                    await _insertSample.ExecuteNonQueryAsync(cancellationToken);

                    // The value's event joins the same commit: no event without its write, no write without its event.
                    _insertEvent.Parameters[0].Value = batch.ProductId;
                    _insertEvent.Parameters[1].Value = batch.DeviceId;
                    _insertEvent.Parameters[2].Value = point.Alias;
                    _insertEvent.Parameters[3].Value = point.Value;
                    _insertEvent.Parameters[4].Value = point.TimestampMs;
                    _insertEvent.Parameters[5].Value = batch.Kind;
                    _insertEvent.Parameters[6].Value = SourceText(batch.Source);
                    _insertEvent.Parameters[7].Value = nowMs;
                    await _insertEvent.ExecuteNonQueryAsync(cancellationToken);
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
            _insertEvent?.Dispose();
            _selectLatest?.Dispose();
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
            _insertEvent = Prepare(
                "INSERT INTO events (product_id, device_id, alias, value, ts_ms, kind, source, created_ms) VALUES ($p, $d, $a, $v, $t, $k, $s, $c)",
                "$p", "$d", "$a", "$v", "$t", "$k", "$s", "$c");
            _selectLatest = Prepare("SELECT ts_ms FROM latest_values WHERE device_id = $d AND alias = $a", "$d", "$a");
        }
    }

    /// <summary>
    /// Commands from the cloud to one alias get distinct seconds: Exosite clients long-poll with
    /// <c>If-Modified-Since</c> = last <c>Last-Modified</c> + 1 s, so a second command in the same second would never
    /// reach them. Such a write is stamped with the next free second instead.
    /// </summary>
    private async Task<ValuePoint> SpaceCommandAsync(long deviceId, ValuePoint point, CancellationToken cancellationToken)
    {
        _selectLatest!.Parameters[0].Value = deviceId;
        _selectLatest.Parameters[1].Value = point.Alias;
        if (await _selectLatest.ExecuteScalarAsync(cancellationToken) is long latestMs && latestMs / 1000 >= point.TimestampMs / 1000)
        {
            return point with { TimestampMs = ((latestMs / 1000) + 1) * 1000 };
        }

        return point;
    }

    private static string SourceText(Stream.WriteSource source) => source switch
    {
        Stream.WriteSource.Management => "management",
        Stream.WriteSource.Rule => "rule",
        Stream.WriteSource.Rollout => "rollout",
        _ => "device",
    };

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
