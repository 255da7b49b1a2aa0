using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Outpost.Cloud.Ingest;
using SQLitePCL;

namespace Outpost.Cloud.Storage;

/// <summary>
/// Values on the embedded SQLite store. <see cref="CommitAsync"/> runs on one long-lived connection with prepared
/// statements, called only by the write path's single writer, so a whole group of requests costs one fsync; a
/// request's rows go in up to 64 per statement (<see cref="MultiRowInsert"/>).
/// </summary>
/// <remarks>
/// <para>
/// New points go to <c>samples_recent</c>, a plain append-only table, and move to <c>samples</c> (indexed per series)
/// a thousand or so at a time, inside a later group's transaction. Indexing each point as it arrives made every
/// commit rewrite one index page per device written (a group of 64 writes from 64 devices dirtied ~70 pages:
/// 280 KiB of WAL and its fsync for 64 small values); moving them in bulk writes each series' page once per move.
/// Readers see both tables, so a point is readable from the commit that acknowledged it. A bulk request of many points
/// of a few series goes straight to <c>samples</c> (<see cref="SamplePlacement"/>), unless one of its series still
/// has points waiting. So every waiting point of a series was stored after all its indexed ones, which is what lets
/// reads rank a series' waiting points above its indexed ones of equal timestamp.
/// </para>
/// <para>
/// The latest value of a series is the newest point of its history (highest timestamp; of equal timestamps the
/// one stored last), read through the series index: no separate table to keep up to date on every write.
/// </para>
/// </remarks>
internal sealed class SqliteValueStore(SqliteDatabase database) : IValueStore, IDisposable
{
    /// <summary>Points kept in <c>samples_recent</c> before they move to the indexed history.</summary>
    /// <remarks>
    /// More makes each move cheaper per point (each series' index page written once per move) but makes every read
    /// scan more unindexed rows and the group that moves them wait longer (~1–3 ms for a thousand).
    /// </remarks>
    private const int RecentLimit = 1024;

    private static readonly IReadOnlyDictionary<string, StoredValue> NoValues = new Dictionary<string, StoredValue>();

    /// <summary>
    /// The newest <paramref name="limit"/> points of one series in [$from, $to] from both tables: the recent ones
    /// were all stored after every indexed one, so they win ties of equal timestamps.
    /// </summary>
    private const string SeriesSql = """
        SELECT ts_ms, value FROM (
            SELECT ts_ms, value, 1 AS tier, seq FROM samples_recent
            WHERE device_id = $d AND alias = $a AND ts_ms >= $from AND ts_ms <= $to
            UNION ALL
            SELECT * FROM (
                SELECT ts_ms, value, 0 AS tier, seq FROM samples
                WHERE device_id = $d AND alias = $a AND ts_ms >= $from AND ts_ms <= $to
                ORDER BY ts_ms DESC, seq DESC LIMIT $limit))
        ORDER BY ts_ms DESC, tier DESC, seq DESC LIMIT $limit
        """;

    /// <summary>
    /// The newest indexed point of each series of $devices × $aliases (JSON arrays); of equal timestamps the one stored
    /// last. A covering look-up in the series index per series, then the row by its seq.
    /// </summary>
    private const string NewestIndexedSql = """
        SELECT s.device_id, s.alias, s.ts_ms, s.value FROM (
            SELECT (SELECT seq FROM samples WHERE device_id = d.value AND alias = a.value ORDER BY ts_ms DESC, seq DESC LIMIT 1) AS newest
            FROM json_each($devices) AS d, json_each($aliases) AS a) AS t
        JOIN samples AS s ON s.seq = t.newest
        """;

    private readonly Lock _gate = new();
    private SqliteConnection? _writer;
    private WriterStatements? _statements;
    private RecentPoints _recent = new();

    public long LastEventOffset { get; private set; }

    public Task<IReadOnlyList<IReadOnlyList<ValuePoint>>> CommitAsync(IReadOnlyList<WriteBatch> batches, long nowMs, CancellationToken cancellationToken)
    {
        // Synchronous on purpose: the single writer owns this connection, and SQLite has no asynchronous I/O to wait on.
        var statements = EnsureWriter();
        var stored = new List<IReadOnlyList<ValuePoint>>(batches.Count);
        var committed = _recent;
        var recent = committed;
        statements.Begin.Execute();
        try
        {
            if (recent.Rows >= RecentLimit)
            {
                statements.MoveRecent.Execute();
                statements.ClearRecent.Execute();
                recent = new RecentPoints();
            }

            foreach (var batch in batches)
            {
                stored.Add(Store(statements, batch, nowMs, recent));
            }

            var eventHead = statements.EventHead.QueryInt64() ?? 0;
            statements.Commit.Execute();
            LastEventOffset = eventHead;
        }
        catch
        {
            // A failed group leaves the connection usable for the next one (SQLite may have rolled back already).
            if (raw.sqlite3_get_autocommit(_writer!.Handle) == 0)
            {
                statements.Rollback.Execute();
            }

            // Series this group marked as waiting stay marked (too many is only slower); a rolled-back move moved nothing.
            if (!ReferenceEquals(recent, committed))
            {
                committed.Add(recent);
            }

            throw;
        }

        _recent = recent;
        return Task.FromResult<IReadOnlyList<IReadOnlyList<ValuePoint>>>(stored);
    }

    /// <summary>One device's page of <see cref="ReadLatestManyAsync"/>: the device API, rules and management read the same rule.</summary>
    public async Task<IReadOnlyDictionary<string, StoredValue>> ReadLatestAsync(long deviceId, IReadOnlyCollection<string> aliases, CancellationToken cancellationToken) =>
        (await ReadLatestManyAsync([deviceId], aliases, cancellationToken)).GetValueOrDefault(deviceId) ?? NoValues;

    /// <remarks>
    /// The one place the latest value is decided: the newest point of the series; of equal timestamps the one stored
    /// last. Every waiting point of a series was stored after all its indexed ones (see the class remarks), so a point
    /// of <c>samples_recent</c> wins a tie with one of <c>samples</c>, and among waiting points the later <c>seq</c> wins.
    /// </remarks>
    public async Task<IReadOnlyDictionary<long, IReadOnlyDictionary<string, StoredValue>>> ReadLatestManyAsync(IReadOnlyList<long> deviceIds, IReadOnlyCollection<string> aliases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        ArgumentNullException.ThrowIfNull(aliases);
        var result = new Dictionary<long, IReadOnlyDictionary<string, StoredValue>>();
        if (deviceIds.Count == 0 || aliases.Count == 0)
        {
            return result;
        }

        // samples_recent has no index and is scanned by every series read: once here for the whole page, not once per
        // device and alias (4 × 10,000 scans made the fleet view cost seconds). For one device SQLite skips the other
        // devices' rows itself. samples is read by the series index.
        var wanted = deviceIds.ToHashSet();
        var names = aliases.ToHashSet(StringComparer.Ordinal);
        var recent = new Dictionary<(long Device, string Alias), StoredValue>();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var scan = connection.CreateCommand())
        {
            scan.CommandText = "SELECT device_id, alias, ts_ms, value FROM samples_recent WHERE $one IS NULL OR device_id = $one ORDER BY seq";
            scan.Parameters.AddWithValue("$one", deviceIds.Count == 1 ? deviceIds[0] : DBNull.Value);
            await using var reader = await scan.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var device = reader.GetInt64(0);
                if (!wanted.Contains(device))
                {
                    continue;
                }

                var alias = reader.GetString(1);
                var ts = reader.GetInt64(2);

                // In seq order, so a later point wins a tie.
                if (names.Contains(alias) && (!recent.TryGetValue((device, alias), out var seen) || ts >= seen.TimestampMs))
                {
                    recent[(device, alias)] = new StoredValue(alias, ts, reader.GetString(3));
                }
            }
        }

        // Each series' newest indexed point in one statement for the whole page: SQLite walks the series index
        // (device × alias look-ups) itself, instead of a statement per series through ADO.NET.
        var indexed = new Dictionary<(long Device, string Alias), StoredValue>();
        await using (var newest = connection.CreateCommand())
        {
            newest.CommandText = NewestIndexedSql;
            newest.Parameters.AddWithValue("$devices", JsonArray(wanted, static (json, id) => json.WriteNumberValue(id)));
            newest.Parameters.AddWithValue("$aliases", JsonArray(names, static (json, alias) => json.WriteStringValue(alias)));
            await using var reader = await newest.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var alias = reader.GetString(1);
                indexed[(reader.GetInt64(0), alias)] = new StoredValue(alias, reader.GetInt64(2), reader.GetString(3));
            }
        }

        foreach (var device in wanted)
        {
            Dictionary<string, StoredValue>? latest = null;
            foreach (var alias in names)
            {
                StoredValue? found = recent.TryGetValue((device, alias), out var r) ? r : null;

                // A waiting point wins a tie with an indexed one.
                if (indexed.TryGetValue((device, alias), out var i) && (found is null || i.TimestampMs > found.Value.TimestampMs))
                {
                    found = i;
                }

                if (found is { } value)
                {
                    (latest ??= new Dictionary<string, StoredValue>(StringComparer.Ordinal))[alias] = value;
                }
            }

            if (latest is not null)
            {
                result[device] = latest;
            }
        }

        return result;
    }

    public async Task<IReadOnlyList<StoredValue>> ReadHistoryAsync(long deviceId, string alias, long fromMs, long toMs, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = SeriesCommand(connection, deviceId, fromMs, toMs, limit);
        select.Parameters["$a"].Value = alias;
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
            _statements?.Dispose();
            _statements = null;
            _writer?.Dispose();
            _writer = null;
        }
    }

    /// <summary>A JSON array of <paramref name="items"/>, for <c>json_each</c>.</summary>
    private static string JsonArray<T>(IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var item in items)
            {
                write(json, item);
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static SqliteCommand SeriesCommand(SqliteConnection connection, long deviceId, long fromMs, long toMs, int limit)
    {
        var select = connection.CreateCommand();
        select.CommandText = SeriesSql;
        select.Parameters.AddWithValue("$d", deviceId);
        select.Parameters.Add("$a", SqliteType.Text);
        select.Parameters.AddWithValue("$from", fromMs);
        select.Parameters.AddWithValue("$to", toMs);
        select.Parameters.AddWithValue("$limit", limit);
        return select;
    }

    /// <summary>Stores one request's points inside the group's transaction; returns those actually stored.</summary>
    private static IReadOnlyList<ValuePoint> Store(WriterStatements statements, WriteBatch batch, long nowMs, RecentPoints recent)
    {
        if (batch.Source != Stream.WriteSource.Device)
        {
            return StoreCommands(statements, batch, nowMs, recent);
        }

        var kept = batch.MessageIds is { } ids ? NewMessages(statements, batch, ids, nowMs) : batch.Points;
        var indexed = SamplePlacement.IndexedSeries(kept) is { } series && !recent.WaitsAny(batch.DeviceId, series);
        if (!indexed)
        {
            recent.Add(batch.DeviceId, kept, 0, kept.Count);
        }

        InsertRows(statements, indexed ? statements.InsertIndexed : statements.InsertRecent, batch, kept, 0, kept.Count, Stream.WriteSourceText.Of(batch.Source), nowMs);
        return kept;
    }

    /// <summary>
    /// Writes from the cloud, one point at a time: each is spaced from the series' latest point (<see cref="SpaceCommand"/>),
    /// which may be the previous point of the same request, so that one must be stored first. They are few and small.
    /// </summary>
    private static List<ValuePoint> StoreCommands(WriterStatements statements, WriteBatch batch, long nowMs, RecentPoints recent)
    {
        var kept = new List<ValuePoint>(batch.Points.Count);
        var source = Stream.WriteSourceText.Of(batch.Source);
        for (var i = 0; i < batch.Points.Count; i++)
        {
            if (batch.MessageIds is { } ids && !NewMessage(statements, batch.DeviceId, ids[i], nowMs))
            {
                continue;
            }

            kept.Add(SpaceCommand(statements, batch.DeviceId, batch.Points[i]));
            recent.Add(batch.DeviceId, kept, kept.Count - 1, 1);
            InsertRows(statements, statements.InsertRecent, batch, kept, kept.Count - 1, 1, source, nowMs);
        }

        return kept;
    }

    /// <summary>
    /// Records the batch's message ids; returns the points whose id was new (all of them but for a retried batch).
    /// </summary>
    /// <remarks>
    /// A run of ids goes in as one <c>INSERT OR FAIL</c>: it stops at the first id seen before, keeping the ones before
    /// it, so <c>changes()</c> says exactly which were new. The run after a seen id starts with a single row and grows
    /// again, so a retried batch (every id seen) costs about one small statement per id, not one large one.
    /// </remarks>
    private static IReadOnlyList<ValuePoint> NewMessages(WriterStatements statements, WriteBatch batch, IReadOnlyList<string> ids, long nowMs)
    {
        List<ValuePoint>? kept = null; // stays null while every id is new: then all points are kept
        var messages = statements.InsertMessages;
        var limit = MultiRowInsertSql.MaxRows;
        for (var start = 0; start < ids.Count;)
        {
            var insert = messages.Next(ids.Count - start, out var rows, limit);
            insert.Bind(1, batch.DeviceId);
            insert.Bind(2, nowMs);
            for (var row = 0; row < rows; row++)
            {
                insert.Bind(messages.Parameter(row, 0), ids[start + row]);
            }

            var allNew = insert.TryExecute(out var stored);
            if (!allNew)
            {
                kept ??= [.. batch.Points.Take(start)];
            }

            for (var i = start; kept is not null && i < start + stored; i++)
            {
                kept.Add(batch.Points[i]);
            }

            // A seen id (at start + stored) is acknowledged again, not stored twice.
            start += allNew ? rows : stored + 1;
            limit = allNew ? Math.Min(limit * 2, MultiRowInsertSql.MaxRows) : 1;
        }

        return kept ?? batch.Points;
    }

    /// <summary>Records one message id; false when it was seen before (acknowledged again, not stored twice).</summary>
    private static bool NewMessage(WriterStatements statements, long deviceId, string messageId, long nowMs)
    {
        var insert = statements.InsertMessage;
        insert.Bind(1, deviceId);
        insert.Bind(2, messageId);
        insert.Bind(3, nowMs);
        return insert.Execute() == 1;
    }

    /// <summary>
    /// Inserts <paramref name="count"/> points from <paramref name="start"/> with <paramref name="samples"/> (into
    /// <c>samples_recent</c> or <c>samples</c>) and their events, in order, so both keep the points' order (capture
    /// order per series, event offsets in write order).
    /// </summary>
    private static void InsertRows(WriterStatements statements, MultiRowInsert samples, WriteBatch batch, IReadOnlyList<ValuePoint> points, int start, int count, string source, long nowMs)
    {
        InsertPoints(samples, points, start, count, static (insert, shared) => insert.Bind(1, shared.Batch.DeviceId), (Batch: batch, Source: source, NowMs: nowMs));

        // The values' events join the same commit: no event without its write, no write without its event.
        InsertPoints(statements.InsertEvents, points, start, count, static (insert, shared) =>
        {
            insert.Bind(1, shared.Batch.ProductId);
            insert.Bind(2, shared.Batch.DeviceId);
            insert.Bind(3, shared.Batch.Kind);
            insert.Bind(4, shared.Source);
            insert.Bind(5, shared.NowMs);
        }, (Batch: batch, Source: source, NowMs: nowMs));
    }

    /// <summary>
    /// Inserts points through a multi-row <paramref name="table"/> insert whose per-row columns are (alias, ts_ms, value),
    /// a statement of up to 64 rows at a time; <paramref name="bindShared"/> binds the columns every row shares.
    /// </summary>
    private static void InsertPoints<TShared>(MultiRowInsert table, IReadOnlyList<ValuePoint> points, int start, int count, Action<SqliteStatement, TShared> bindShared, TShared shared)
    {
        for (int next = start, end = start + count; next < end;)
        {
            var insert = table.Next(end - next, out var rows);
            bindShared(insert, shared);
            for (var row = 0; row < rows; row++)
            {
                var point = points[next + row];
                insert.Bind(table.Parameter(row, 0), point.Alias);
                insert.Bind(table.Parameter(row, 1), point.TimestampMs);
                insert.Bind(table.Parameter(row, 2), point.Value);
            }

            insert.Execute();
            next += rows;
        }
    }

    /// <summary>
    /// Commands from the cloud to one alias get distinct seconds: Exosite clients long-poll with
    /// <c>If-Modified-Since</c> = last <c>Last-Modified</c> + 1 s, so a second command in the same second would never
    /// reach them. Such a write is stamped with the next free second instead, but never past year 9999: a database
    /// written before far-future timestamps were refused may hold a latest value in its last second (or beyond).
    /// </summary>
    private static ValuePoint SpaceCommand(WriterStatements statements, long deviceId, ValuePoint point)
    {
        var latest = statements.LatestTimestamp;
        latest.Bind(1, deviceId);
        latest.Bind(2, point.Alias);
        if (latest.QueryInt64() is { } latestMs && latestMs / 1000 >= point.TimestampMs / 1000)
        {
            return point with { TimestampMs = Math.Min(((latestMs / 1000) + 1) * 1000, StoredTime.MaxMs) };
        }

        return point;
    }

    private WriterStatements EnsureWriter()
    {
        if (_statements is { } ready)
        {
            return ready;
        }

        lock (_gate)
        {
            _writer = database.Open();
            using (var count = _writer.CreateCommand())
            {
                // Any statement journal SQLite still needs (the writer's own statements are OR FAIL and need none) stays
                // in memory, not a temp file written page by page. A group of bulk requests (8 × 1,000 values) also
                // dirties more pages than the default 2 MiB cache. Then what waits in samples_recent, per series.
                count.CommandText = "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768; SELECT device_id, alias, COUNT(*) FROM samples_recent GROUP BY device_id, alias";
                using var reader = count.ExecuteReader();
                while (reader.Read())
                {
                    _recent.Add(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2));
                }
            }

            _statements = new WriterStatements(_writer);
            return _statements;
        }
    }

    /// <summary>The write path's statements, prepared once on its connection.</summary>
    private sealed class WriterStatements(SqliteConnection writer) : IDisposable
    {
        public SqliteStatement Begin { get; } = new(writer, "BEGIN IMMEDIATE");

        public SqliteStatement Commit { get; } = new(writer, "COMMIT");

        public SqliteStatement Rollback { get; } = new(writer, "ROLLBACK");

        public MultiRowInsert InsertRecent { get; } = new(writer, "samples_recent", ["device_id"], ["alias", "ts_ms", "value"]);

        /// <summary>Straight into the indexed history (<see cref="SamplePlacement"/>).</summary>
        public MultiRowInsert InsertIndexed { get; } = new(writer, "samples", ["device_id"], ["alias", "ts_ms", "value"]);

        /// <summary>
        /// Recent points into the indexed history, in the order they were stored (ties keep that order). <c>OR FAIL</c>
        /// spares SQLite copying every page it touches into a statement journal (see <see cref="MultiRowInsertSql"/>).
        /// </summary>
        public SqliteStatement MoveRecent { get; } = new(writer,
            "INSERT OR FAIL INTO samples (device_id, alias, ts_ms, value) SELECT device_id, alias, ts_ms, value FROM samples_recent ORDER BY seq");

        public SqliteStatement ClearRecent { get; } = new(writer, "DELETE FROM samples_recent");

        public SqliteStatement InsertMessage { get; } = new(writer,
            "INSERT INTO message_ids (device_id, message_id, received_ms) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");

        /// <summary>A run of message ids: stops at an id seen before (see <see cref="NewMessages"/>).</summary>
        public MultiRowInsert InsertMessages { get; } = new(writer, "message_ids", ["device_id", "received_ms"], ["message_id"]);

        public MultiRowInsert InsertEvents { get; } = new(writer,
            "events", ["product_id", "device_id", "kind", "source", "created_ms"], ["alias", "ts_ms", "value"]);

        /// <summary>The events table's AUTOINCREMENT counter: inside the transaction, the offset of its last event.</summary>
        public SqliteStatement EventHead { get; } = new(writer, "SELECT seq FROM sqlite_sequence WHERE name = 'events'");

        public SqliteStatement LatestTimestamp { get; } = new(writer, """
            SELECT MAX(ts_ms) FROM (
                SELECT MAX(ts_ms) AS ts_ms FROM samples_recent WHERE device_id = ?1 AND alias = ?2
                UNION ALL
                SELECT MAX(ts_ms) FROM samples WHERE device_id = ?1 AND alias = ?2)
            """);

        public void Dispose()
        {
            foreach (var statement in new[] { Begin, Commit, Rollback, MoveRecent, ClearRecent, InsertMessage, EventHead, LatestTimestamp })
            {
                statement.Dispose();
            }

            InsertRecent.Dispose();
            InsertIndexed.Dispose();
            InsertMessages.Dispose();
            InsertEvents.Dispose();
        }
    }

    /// <summary>
    /// What waits in <c>samples_recent</c>, known to the writer alone: how many points, and of which series (device,
    /// alias). Never too few series: a series may only be indexed on arrival while none of its points wait.
    /// </summary>
    private sealed class RecentPoints
    {
        private readonly HashSet<(long DeviceId, string Alias)> _series = [];

        public int Rows { get; private set; }

        public bool WaitsAny(long deviceId, IReadOnlyList<string> aliases)
        {
            foreach (var alias in aliases)
            {
                if (_series.Contains((deviceId, alias)))
                {
                    return true;
                }
            }

            return false;
        }

        public void Add(long deviceId, string alias, int rows)
        {
            _series.Add((deviceId, alias));
            Rows += rows;
        }

        public void Add(long deviceId, IReadOnlyList<ValuePoint> points, int start, int count)
        {
            string? last = null;
            for (var i = start; i < start + count; i++)
            {
                if (!string.Equals(points[i].Alias, last, StringComparison.Ordinal))
                {
                    last = points[i].Alias;
                    _series.Add((deviceId, last));
                }
            }

            Rows += count;
        }

        public void Add(RecentPoints other)
        {
            _series.UnionWith(other._series);
            Rows += other.Rows;
        }
    }
}
