using Microsoft.Data.Sqlite;

namespace Outpost.Gateway.Queue;

/// <summary>
/// The SQLite file behind <see cref="MessageQueue"/>: schema, prepared statements and nothing else — no policy.
/// </summary>
/// <remarks>
/// <para>
/// Only the queue's writer loop touches it, so it holds one connection and no locks. Every statement that writes runs
/// inside the transaction the loop opened with <see cref="Begin"/>.
/// </para>
/// <para>
/// New values go to <c>queue_pending</c>, a plain table with no index, and move to <c>queue</c> (indexed per device for
/// the forwarder's capture-ordered reads) in bulk, inside the writer's transactions: before a statement deletes or drops
/// queued rows, or once <see cref="PendingLimit"/> have gathered. Reads see both tables and write nothing. Indexing each
/// value as it arrived made a commit of 8 apps' values rewrite one <c>queue_by_device</c> page per device — 13 WAL pages (26 writes) and their fsync for 8 small values; the
/// pending table takes one or two pages per commit, and a move writes each device's index page once for hundreds of
/// values. A move is one statement pair in a transaction, so after a crash every row is in exactly one of the tables.
/// </para>
/// </remarks>
internal sealed class QueueStore : IDisposable
{
    /// <summary>
    /// The connection settings; the benchmark's raw reference loop uses exactly these. WAL + <c>synchronous=FULL</c>
    /// fsyncs the log on every commit, so a commit that returned survives power loss. <c>locking_mode=EXCLUSIVE</c>
    /// keeps a second process off the file: two writers would issue the same message ids.
    /// </summary>
    public const string Pragmas = "PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";

    private const int SchemaVersion = 1;

    /// <summary>Values gathered in <c>queue_pending</c> before an insert moves them to <c>queue</c> itself.</summary>
    private const int PendingLimit = 1024;

    private const string RowColumns = "seq, device_key, alias, captured_ms, value, expires_ms, bytes, enqueued_ms";

    /// <summary>The column definitions of <c>queue</c> and <c>queue_pending</c>.</summary>
    private const string QueueColumns = """
        seq INTEGER PRIMARY KEY, device_key TEXT NOT NULL, alias TEXT NOT NULL, captured_ms INTEGER NOT NULL,
        value TEXT NOT NULL, expires_ms INTEGER, bytes INTEGER NOT NULL, enqueued_ms INTEGER NOT NULL
        """;

    /// <summary>The dead letters a <see cref="DeadLetterSelection"/> names (bound by <see cref="BindSelection"/>).</summary>
    private const string DeadLetterFilter = "($device IS NULL OR device_key = $device) AND ($ids IS NULL OR seq IN (SELECT value FROM json_each($ids)))";

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _saveCounters;
    private readonly SqliteCommand _selectDevice;
    private SqliteTransaction? _transaction;

    /// <summary>Rows inserted into <c>queue_pending</c> since the last move; null when unknown (at open, after a rollback).</summary>
    private int? _pending;

    private QueueStore(SqliteConnection connection)
    {
        _connection = connection;
        _insert = Prepare(
            $"INSERT INTO queue_pending ({RowColumns}) VALUES ($seq, $device, $alias, $captured, $value, $expires, $bytes, $enqueued)",
            "$seq", "$device", "$alias", "$captured", "$value", "$expires", "$bytes", "$enqueued");
        _saveCounters = Prepare(
            "UPDATE meta SET next_seq = $1, enqueued = $2, forwarded = $3, dropped_overflow = $4, dropped_ttl = $5, " +
            "dropped_disk = $6, rejected = $7, dead_lettered = $8, dropped_purged = $9 WHERE id = 1",
            "$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9");
        // The indexed part is limited on its own (through queue_by_device) before the pending rows (≤ PendingLimit,
        // scanned) join it: one outer ORDER BY … LIMIT over the union would sort all of a device's backlog.
        _selectDevice = Prepare(
            $"""
            SELECT {RowColumns} FROM (
                SELECT * FROM (SELECT {RowColumns} FROM queue WHERE device_key = $device AND (captured_ms, seq) > ($captured, $seq)
                               ORDER BY captured_ms, seq LIMIT $limit)
                UNION ALL
                SELECT {RowColumns} FROM queue_pending WHERE device_key = $device AND (captured_ms, seq) > ($captured, $seq))
            ORDER BY captured_ms, seq LIMIT $limit
            """,
            "$device", "$captured", "$seq", "$limit");
    }

    /// <summary>Opens (creating if needed) the queue file at <paramref name="path"/>.</summary>
    public static QueueStore Open(string path)
    {
        // Pooling off: closing must release the file (and its exclusive lock) at once, e.g. for a restart in-process.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,

            // Nothing else may hold the file: fail fast (and say why) rather than retry for the default 30 s.
            DefaultTimeout = 2,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, Pragmas);
            Migrate(connection);

            // Added after schema 1 shipped, hence IF NOT EXISTS rather than a version bump: GMQ holds the CIKs it
            // forwards under (it cannot forward with a hash), so the file is the gateway's secret store too.
            Execute(connection, "CREATE TABLE IF NOT EXISTS credential (device_key TEXT PRIMARY KEY, cik TEXT, vendor TEXT, model TEXT, serial TEXT, updated_ms INTEGER NOT NULL)");
            AddPurgedTotal(connection);

            // Added after schema 1 shipped, like credential: a gwe from before it never sees pending rows, so a clean
            // stop moves them all into queue (Dispose); a crash's leftovers move in the next writing transaction.
            Execute(connection, $"CREATE TABLE IF NOT EXISTS queue_pending ({QueueColumns})");
            RestrictPermissions(path);
            return new QueueStore(connection);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            connection.Dispose();
            throw new IOException($"The queue file {path} is in use by another process (is a second gwe running?).", ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Begin() => _transaction = _connection.BeginTransaction();

    /// <summary>Commits: with <c>synchronous=FULL</c> this returns only after the WAL is fsync'd.</summary>
    public void Commit()
    {
        _transaction?.Commit();
        _transaction?.Dispose();
        _transaction = null;
    }

    public void Rollback()
    {
        // A rolled-back move leaves its rows pending again; a rolled-back insert leaves fewer: count again when asked.
        if (_transaction is not null)
        {
            _pending = null;
        }

        try
        {
            _transaction?.Rollback();
        }
        catch (SqliteException)
        {
            // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL); nothing is left to undo.
        }

        _transaction?.Dispose();
        _transaction = null;
    }

    /// <summary>Reads the instance id and totals, the enqueue totals caught up with rows inserted since the row was saved.</summary>
    /// <remarks>
    /// Commits that only insert leave the meta row alone (one WAL page less per commit: on a gateway's SD card, a third
    /// of what a one-value commit writes). Every commit that deletes or moves rows saves it, so the rows at or past its
    /// next_seq are exactly those inserted since, all still in the queue: they are counted as enqueued, and the next
    /// sequence continues after the highest (message ids never repeat).
    /// </remarks>
    public (string Instance, QueueCounters Counters) LoadMeta()
    {
        string instance;
        QueueCounters counters;
        using (var command = Command(
            "SELECT instance, next_seq, enqueued, forwarded, dropped_overflow, dropped_ttl, dropped_disk, rejected, dead_lettered, dropped_purged FROM meta WHERE id = 1"))
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            instance = reader.GetString(0);
            counters = new QueueCounters
            {
                NextSequence = reader.GetInt64(1),
                Enqueued = reader.GetInt64(2),
                Forwarded = reader.GetInt64(3),
                DroppedOverflow = reader.GetInt64(4),
                DroppedTtl = reader.GetInt64(5),
                DroppedDisk = reader.GetInt64(6),
                Rejected = reader.GetInt64(7),
                DeadLettered = reader.GetInt64(8),
                DroppedPurged = reader.GetInt64(9),
            };
        }

        using (var since = Command(
            "SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM (SELECT seq FROM queue WHERE seq >= $next UNION ALL SELECT seq FROM queue_pending WHERE seq >= $next)"))
        {
            since.Parameters.AddWithValue("$next", counters.NextSequence);
            using var reader = since.ExecuteReader();
            reader.Read();
            counters.Enqueued += reader.GetInt64(0);
            counters.NextSequence = Math.Max(counters.NextSequence, reader.GetInt64(1) + 1);
        }

        return (instance, counters);
    }

    /// <summary>Per-device count and bytes of what is queued (one scan, at open and after a failed commit).</summary>
    public Dictionary<string, DeviceBacklog> LoadBacklog()
    {
        var backlog = new Dictionary<string, DeviceBacklog>(StringComparer.Ordinal);
        using var command = Command(
            "SELECT device_key, COUNT(*), SUM(bytes) FROM (SELECT device_key, bytes FROM queue UNION ALL SELECT device_key, bytes FROM queue_pending) GROUP BY device_key");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            backlog[reader.GetString(0)] = new DeviceBacklog { Count = reader.GetInt64(1), Bytes = reader.GetInt64(2) };
        }

        return backlog;
    }

    public long CountDeadLetters()
    {
        using var command = Command("SELECT COUNT(*) FROM dead_letter");
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>When the oldest waiting value was enqueued, or null when the queue is empty.</summary>
    public long? OldestEnqueuedAtMs()
    {
        // Pending rows were all inserted after every row of queue except requeued dead letters, hence both, by seq.
        using var command = Command("""
            SELECT enqueued_ms FROM (
                SELECT * FROM (SELECT enqueued_ms, seq FROM queue ORDER BY seq LIMIT 1)
                UNION ALL
                SELECT * FROM (SELECT enqueued_ms, seq FROM queue_pending ORDER BY seq LIMIT 1))
            ORDER BY seq LIMIT 1
            """);
        return command.ExecuteScalar() is long ms ? ms : null;
    }

    public void SaveCounters(QueueCounters counters)
    {
        var p = _saveCounters.Parameters;
        p[0].Value = counters.NextSequence;
        p[1].Value = counters.Enqueued;
        p[2].Value = counters.Forwarded;
        p[3].Value = counters.DroppedOverflow;
        p[4].Value = counters.DroppedTtl;
        p[5].Value = counters.DroppedDisk;
        p[6].Value = counters.Rejected;
        p[7].Value = counters.DeadLettered;
        p[8].Value = counters.DroppedPurged;
        Run(_saveCounters);
    }

    public void Insert(long sequence, in PreparedValue value, long enqueuedAtMs, long? expiresAtMs)
    {
        var p = _insert.Parameters;
        p[0].Value = sequence;
        p[1].Value = value.DeviceKey;
        p[2].Value = value.Alias;
        p[3].Value = value.CapturedAtMs;
        p[4].Value = value.Value;
        p[5].Value = expiresAtMs.HasValue ? expiresAtMs.Value : DBNull.Value;
        p[6].Value = value.Bytes;
        p[7].Value = enqueuedAtMs;
        Run(_insert);

        // Counted, not moved, when unknown: after a failed commit on a full disk the next write must not need room for
        // a move of everything pending.
        _pending = (_pending ?? CountPending()) + 1;
        if (_pending >= PendingLimit)
        {
            MovePending();
        }
    }

    /// <summary>The oldest rows (by arrival) after <paramref name="afterSequence"/>, for dropping.</summary>
    public List<RemovedRow> SelectOldest(long afterSequence, int limit)
    {
        MovePending();
        using var command = Command("SELECT seq, device_key, bytes FROM queue WHERE seq > $after ORDER BY seq LIMIT $limit");
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$limit", limit);
        return ReadRemoved(command);
    }

    /// <summary>Deletes every row up to <paramref name="sequence"/>: exactly the rows <see cref="SelectOldest"/> walked.</summary>
    public void DeleteThrough(long sequence)
    {
        MovePending();
        using var command = Command("DELETE FROM queue WHERE seq <= $seq");
        command.Parameters.AddWithValue("$seq", sequence);
        command.ExecuteNonQuery();
    }

    /// <summary>The next rows of one device in capture order, after the (capture time, sequence) cursor.</summary>
    public List<StoredRow> SelectDevice(string deviceKey, long afterCapturedAtMs, long afterSequence, int limit)
    {
        var p = _selectDevice.Parameters;
        p[0].Value = deviceKey;
        p[1].Value = afterCapturedAtMs;
        p[2].Value = afterSequence;
        p[3].Value = limit;
        _selectDevice.Transaction = _transaction;
        var rows = new List<StoredRow>(Math.Min(limit, 1024));
        using var reader = _selectDevice.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new StoredRow(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt64(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5),
                reader.GetInt32(6)));
        }

        return rows;
    }

    /// <summary>Deletes the given rows in one statement (ids sorted, for B-tree locality); returns those that were queued.</summary>
    public List<RemovedRow> DeleteMany(List<long> sequences)
    {
        MovePending();
        sequences.Sort();
        var json = new System.Text.StringBuilder(sequences.Count * 8).Append('[');
        for (var i = 0; i < sequences.Count; i++)
        {
            json.Append(i == 0 ? "" : ",").Append(sequences[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var command = Command("DELETE FROM queue WHERE seq IN (SELECT value FROM json_each($ids)) RETURNING seq, device_key, bytes");
        command.Parameters.AddWithValue("$ids", json.Append(']').ToString());
        return ReadRemoved(command);
    }

    /// <summary>Deletes every row whose TTL ran out at <paramref name="nowMs"/>.</summary>
    public List<RemovedRow> DeleteExpired(long nowMs)
    {
        MovePending();
        using var command = Command("DELETE FROM queue WHERE expires_ms <= $now RETURNING seq, device_key, bytes");
        command.Parameters.AddWithValue("$now", nowMs);
        return ReadRemoved(command);
    }

    /// <summary>
    /// Moves a device's queued rows (all, or only <paramref name="sequences"/>) to the dead-letter table; returns what
    /// left the queue.
    /// </summary>
    public List<RemovedRow> MoveToDeadLetters(string deviceKey, string reason, long nowMs, List<long>? sequences = null)
    {
        MovePending();
        const string Filter = "device_key = $device AND ($ids IS NULL OR seq IN (SELECT value FROM json_each($ids)))";
        var ids = sequences is null ? null : "[" + string.Join(',', sequences.Select(q => q.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
        using (var copy = Command(
            $"INSERT INTO dead_letter ({RowColumns}, reason, dead_ms) SELECT {RowColumns}, $reason, $now FROM queue WHERE {Filter}"))
        {
            copy.Parameters.AddWithValue("$reason", reason);
            copy.Parameters.AddWithValue("$now", nowMs);
            copy.Parameters.AddWithValue("$device", deviceKey);
            copy.Parameters.AddWithValue("$ids", (object?)ids ?? DBNull.Value);
            copy.ExecuteNonQuery();
        }

        using var delete = Command($"DELETE FROM queue WHERE {Filter} RETURNING seq, device_key, bytes");
        delete.Parameters.AddWithValue("$device", deviceKey);
        delete.Parameters.AddWithValue("$ids", (object?)ids ?? DBNull.Value);
        return ReadRemoved(delete);
    }

    /// <summary>How many dead letters <paramref name="selection"/> names (a purge or retry checks its ids with it first).</summary>
    public long CountDeadLetters(DeadLetterSelection selection)
    {
        using var command = Command($"SELECT COUNT(*) FROM dead_letter WHERE {DeadLetterFilter}");
        BindSelection(command, selection);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Which of the selection's named values are dead letters (of its device, when it names one).</summary>
    public HashSet<long> SelectDeadLetterSequences(DeadLetterSelection selection)
    {
        using var command = Command($"SELECT seq FROM dead_letter WHERE {DeadLetterFilter}");
        BindSelection(command, selection);
        using var reader = command.ExecuteReader();
        var found = new HashSet<long>();
        while (reader.Read())
        {
            found.Add(reader.GetInt64(0));
        }

        return found;
    }

    /// <summary>Moves the selected dead letters back into the queue with their original sequence and id.</summary>
    public List<RemovedRow> Requeue(DeadLetterSelection selection)
    {
        List<RemovedRow> moved;
        using (var copy = Command(
            $"INSERT INTO queue ({RowColumns}) SELECT {RowColumns} FROM dead_letter WHERE {DeadLetterFilter} RETURNING seq, device_key, bytes"))
        {
            BindSelection(copy, selection);
            moved = ReadRemoved(copy);
        }

        using var delete = Command($"DELETE FROM dead_letter WHERE {DeadLetterFilter}");
        BindSelection(delete, selection);
        delete.ExecuteNonQuery();
        return moved;
    }

    /// <summary>Deletes the selected dead letters for good; returns what was deleted.</summary>
    public List<RemovedRow> Purge(DeadLetterSelection selection)
    {
        using var delete = Command($"DELETE FROM dead_letter WHERE {DeadLetterFilter} RETURNING seq, device_key, bytes");
        BindSelection(delete, selection);
        return ReadRemoved(delete);
    }

    /// <summary>Saves (or replaces) the credentials of a device key; <paramref name="cik"/> is null while activation is pending.</summary>
    public void SaveCredential(StoredCredential credential)
    {
        using var command = Command(
            "INSERT INTO credential (device_key, cik, vendor, model, serial, updated_ms) VALUES ($key, $cik, $vendor, $model, $serial, $now) " +
            "ON CONFLICT (device_key) DO UPDATE SET cik = excluded.cik, vendor = excluded.vendor, model = excluded.model, " +
            "serial = excluded.serial, updated_ms = excluded.updated_ms");
        command.Parameters.AddWithValue("$key", credential.DeviceKey);
        command.Parameters.AddWithValue("$cik", (object?)credential.Cik ?? DBNull.Value);
        command.Parameters.AddWithValue("$vendor", (object?)credential.Vendor ?? DBNull.Value);
        command.Parameters.AddWithValue("$model", (object?)credential.Model ?? DBNull.Value);
        command.Parameters.AddWithValue("$serial", (object?)credential.Serial ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", credential.UpdatedAtMs);
        command.ExecuteNonQuery();
    }

    public List<StoredCredential> LoadCredentials()
    {
        using var command = Command("SELECT device_key, cik, vendor, model, serial, updated_ms FROM credential ORDER BY device_key");
        using var reader = command.ExecuteReader();
        var list = new List<StoredCredential>();
        while (reader.Read())
        {
            list.Add(new StoredCredential(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt64(5)));
        }

        return list;
    }

    public List<DeadLetterSummary> ListDeadLetters()
    {
        using var command = Command(
            "SELECT device_key, reason, COUNT(*), SUM(bytes), MIN(captured_ms), MAX(dead_ms) FROM dead_letter " +
            "GROUP BY device_key, reason ORDER BY device_key, reason");
        using var reader = command.ExecuteReader();
        var list = new List<DeadLetterSummary>();
        while (reader.Read())
        {
            list.Add(new DeadLetterSummary(
                reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
        }

        return list;
    }

    /// <summary>One device's dead letters one by one, in capture order: the first <paramref name="limit"/>.</summary>
    public List<(long Sequence, string Alias, long CapturedAtMs, long Bytes, string Reason, long DeadAtMs)> ListDeadLetterValues(string deviceKey, int limit)
    {
        using var command = Command(
            "SELECT seq, alias, captured_ms, bytes, reason, dead_ms FROM dead_letter WHERE device_key = $device ORDER BY captured_ms, seq LIMIT $limit");
        command.Parameters.AddWithValue("$device", deviceKey);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var list = new List<(long, string, long, long, string, long)>();
        while (reader.Read())
        {
            list.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4), reader.GetInt64(5)));
        }

        return list;
    }

    public void Dispose()
    {
        Rollback();
        try
        {
            // A clean stop leaves nothing pending, so a gwe from before queue_pending finds every value in queue.
            if ((_pending ?? CountPending()) > 0)
            {
                Begin();
                MovePendingRows();
                Commit();
            }
        }
        catch (SqliteException)
        {
            // Closing anyway (a full disk, say): the rows stay pending and move in this gwe's next transaction.
            Rollback();
        }

        _insert.Dispose();
        _saveCounters.Dispose();
        _selectDevice.Dispose();
        _connection.Dispose();
    }

    private static void Migrate(SqliteConnection connection)
    {
        using var version = connection.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        var current = (long)version.ExecuteScalar()!;
        if (current == SchemaVersion)
        {
            return;
        }

        if (current != 0)
        {
            throw new InvalidOperationException($"The queue file has schema version {current}; this gwe understands {SchemaVersion}.");
        }

        using var transaction = connection.BeginTransaction();
        using var create = connection.CreateCommand();
        create.Transaction = transaction;

        // seq is the rowid: the arrival order, used to drop the oldest first and to form the message id.
        // The per-device index serves the forwarder's capture-ordered reads; the partial expiry index the TTL sweep.
        create.CommandText = $"""
            CREATE TABLE meta (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                instance TEXT NOT NULL,
                next_seq INTEGER NOT NULL, enqueued INTEGER NOT NULL, forwarded INTEGER NOT NULL,
                dropped_overflow INTEGER NOT NULL, dropped_ttl INTEGER NOT NULL, dropped_disk INTEGER NOT NULL,
                rejected INTEGER NOT NULL, dead_lettered INTEGER NOT NULL);
            INSERT INTO meta VALUES (1, $instance, 1, 0, 0, 0, 0, 0, 0, 0);
            CREATE TABLE queue ({QueueColumns});
            CREATE INDEX queue_by_device ON queue (device_key, captured_ms, seq);
            CREATE INDEX queue_by_expiry ON queue (expires_ms) WHERE expires_ms IS NOT NULL;
            CREATE TABLE dead_letter (
                seq INTEGER PRIMARY KEY, device_key TEXT NOT NULL, alias TEXT NOT NULL, captured_ms INTEGER NOT NULL,
                value TEXT NOT NULL, expires_ms INTEGER, bytes INTEGER NOT NULL, enqueued_ms INTEGER NOT NULL,
                reason TEXT NOT NULL, dead_ms INTEGER NOT NULL);
            PRAGMA user_version = {SchemaVersion};
            """;
        create.Parameters.AddWithValue("$instance", Guid.NewGuid().ToString("N"));
        create.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>
    /// The meta row's <c>dropped_purged</c> total, added after schema 1 shipped: an existing file gets the column (0) at
    /// open. No version bump, so a gwe rolled back to before it still opens the file (it names its columns).
    /// </summary>
    private static void AddPurgedTotal(SqliteConnection connection)
    {
        using var columns = connection.CreateCommand();
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('meta') WHERE name = 'dropped_purged'";
        if ((long)columns.ExecuteScalar()! == 0)
        {
            Execute(connection, "ALTER TABLE meta ADD COLUMN dropped_purged INTEGER NOT NULL DEFAULT 0");
        }
    }

    /// <summary>
    /// Moves every <c>queue_pending</c> row into <c>queue</c>, inside the writer's open transaction: before a statement
    /// that deletes or drops queued rows by sequence, and when <see cref="PendingLimit"/> have gathered.
    /// </summary>
    /// <remarks>
    /// Reads never move (they read both tables): a read must work, and change nothing, on a full disk — the state
    /// reload after a failed commit and the forwarder's reads are what drain a full queue.
    /// </remarks>
    private void MovePending()
    {
        if (_pending == 0)
        {
            return;
        }

        if (_transaction is null)
        {
            throw new InvalidOperationException("Queued rows are moved, deleted or dropped only inside the writer's transaction.");
        }

        MovePendingRows();
    }

    private int CountPending()
    {
        using var count = Command("SELECT COUNT(*) FROM queue_pending");
        return (int)(long)count.ExecuteScalar()!;
    }

    private void MovePendingRows()
    {
        using (var move = Command($"INSERT INTO queue ({RowColumns}) SELECT {RowColumns} FROM queue_pending"))
        {
            move.ExecuteNonQuery();
        }

        using (var clear = Command("DELETE FROM queue_pending"))
        {
            clear.ExecuteNonQuery();
        }

        _pending = 0;
    }

    private static void BindSelection(SqliteCommand command, DeadLetterSelection selection)
    {
        command.Parameters.AddWithValue("$device", (object?)selection.DeviceKey ?? DBNull.Value);
        command.Parameters.AddWithValue("$ids", selection.Sequences is { } ids
            ? "[" + string.Join(',', ids.Select(q => q.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]"
            : DBNull.Value);
    }

    /// <summary>Owner read/write only (0600) for the file and its WAL/SHM companions: it holds CIKs.</summary>
    private static void RestrictPermissions(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            if (File.Exists(file))
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<RemovedRow> ReadRemoved(SqliteCommand command)
    {
        var rows = new List<RemovedRow>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new RemovedRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return rows;
    }

    private SqliteCommand Prepare(string sql, params string[] parameterNames)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        return command;
    }

    private void Run(SqliteCommand command)
    {
        command.Transaction = _transaction;
        command.ExecuteNonQuery();
    }
}
