using Microsoft.Data.Sqlite;

namespace Outpost.Cloud.Storage;

/// <summary>
/// The embedded store's tables. Plain SQL that PostgreSQL also accepts, apart from the id columns and
/// <c>WITHOUT ROWID</c>. <see cref="Migrate"/> brings a data directory made by an earlier version up to <see cref="Ddl"/>.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>
    /// Rebuilds <c>message_ids</c> as created before it became <c>WITHOUT ROWID</c>: a rowid table stored every id
    /// twice, in the table and in the index of its key, and the batch endpoint inserts one per value.
    /// </summary>
    public const string MessageIdsWithoutRowid = """
        CREATE TABLE message_ids_new (
            device_id INTEGER NOT NULL,
            message_id TEXT NOT NULL,
            received_ms INTEGER NOT NULL,
            PRIMARY KEY (device_id, message_id)
        ) WITHOUT ROWID;
        INSERT INTO message_ids_new (device_id, message_id, received_ms)
            SELECT device_id, message_id, received_ms FROM message_ids ORDER BY device_id, message_id;
        DROP TABLE message_ids;
        ALTER TABLE message_ids_new RENAME TO message_ids;
        """;

    /// <summary>Upgrades tables an earlier version created differently; each step runs once, in its own transaction.</summary>
    public static void Migrate(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'message_ids'";
        if (command.ExecuteScalar() is string sql && !sql.Contains("WITHOUT ROWID", StringComparison.OrdinalIgnoreCase))
        {
            command.CommandText = MessageIdsWithoutRowid;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS products (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            provisioning TEXT NOT NULL,
            write_rate REAL NOT NULL,
            write_burst INTEGER NOT NULL,
            staging_of TEXT NULL,
            created_ms INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS resources (
            product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            format TEXT NOT NULL,
            settable INTEGER NOT NULL,
            PRIMARY KEY (product_id, alias)
        );
        CREATE TABLE IF NOT EXISTS devices (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
            serial TEXT NOT NULL,
            status TEXT NOT NULL,
            cik_hash TEXT NULL UNIQUE,
            metadata TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            activated_ms INTEGER NULL,
            last_seen_ms INTEGER NULL,
            UNIQUE (product_id, serial)
        );
        CREATE TABLE IF NOT EXISTS device_tags (
            device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
            tag_key TEXT NOT NULL,
            tag_value TEXT NOT NULL,
            PRIMARY KEY (device_id, tag_key)
        );
        CREATE INDEX IF NOT EXISTS ix_device_tags_kv ON device_tags (tag_key, tag_value);
        CREATE TABLE IF NOT EXISTS samples (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            device_id INTEGER NOT NULL,
            alias TEXT NOT NULL,
            ts_ms INTEGER NOT NULL,
            value TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_samples_series ON samples (device_id, alias, ts_ms);
        -- Points not yet moved into samples (see SqliteValueStore): appended in order, read by scanning, never large.
        CREATE TABLE IF NOT EXISTS samples_recent (
            seq INTEGER PRIMARY KEY,
            device_id INTEGER NOT NULL,
            alias TEXT NOT NULL,
            ts_ms INTEGER NOT NULL,
            value TEXT NOT NULL
        );
        -- Latest values are read from the history now; every row of this older table is also in samples.
        DROP TABLE IF EXISTS latest_values;
        -- One B-tree keyed by the id (see MessageIdsWithoutRowid).
        CREATE TABLE IF NOT EXISTS message_ids (
            device_id INTEGER NOT NULL,
            message_id TEXT NOT NULL,
            received_ms INTEGER NOT NULL,
            PRIMARY KEY (device_id, message_id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS content (
            product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            content_type TEXT NOT NULL,
            meta TEXT NOT NULL,
            updated_ms INTEGER NOT NULL,
            PRIMARY KEY (product_id, id)
        );
        CREATE TABLE IF NOT EXISTS events (
            offset_id INTEGER PRIMARY KEY AUTOINCREMENT,
            product_id TEXT NOT NULL,
            device_id INTEGER NOT NULL,
            alias TEXT NOT NULL,
            value TEXT NOT NULL,
            ts_ms INTEGER NOT NULL,
            kind TEXT NOT NULL,
            source TEXT NOT NULL,
            created_ms INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_events_product ON events (product_id, offset_id);
        CREATE TABLE IF NOT EXISTS consumer_offsets (
            consumer TEXT PRIMARY KEY,
            offset_id INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS rollouts (
            id TEXT PRIMARY KEY,
            product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
            artifact TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            target TEXT NOT NULL,
            waves TEXT NOT NULL,
            settings TEXT NOT NULL,
            snapshot TEXT NOT NULL,
            status TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            skip_staging TEXT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_rollouts_product ON rollouts (product_id, status);
        CREATE TABLE IF NOT EXISTS rollout_audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            rollout_id TEXT NOT NULL,
            product_id TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL,
            at_ms INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS tokens (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_ms INTEGER NOT NULL,
            revoked_ms INTEGER NULL
        );
        """;
}
