namespace Outpost.Cloud.Storage;

/// <summary>The rules engine's tables (rules, firing states, alerts, webhook deliveries), created by <see cref="SqliteRuleStore"/>.</summary>
internal static class SqliteRuleSchema
{
    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS rules (
            id TEXT PRIMARY KEY,
            product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            definition TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            UNIQUE (product_id, name)
        );
        CREATE TABLE IF NOT EXISTS rule_states (
            rule_id TEXT NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
            serial TEXT NOT NULL,
            since_ms INTEGER NOT NULL,
            PRIMARY KEY (rule_id, serial)
        );
        CREATE TABLE IF NOT EXISTS rule_progress (
            name TEXT PRIMARY KEY,
            offset_id INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS alerts (
            id TEXT PRIMARY KEY,
            product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
            rule_id TEXT NOT NULL,
            rule_name TEXT NOT NULL,
            serial TEXT NOT NULL,
            severity TEXT NOT NULL,
            message TEXT NOT NULL,
            value TEXT NOT NULL,
            state TEXT NOT NULL,
            origin TEXT NOT NULL UNIQUE,
            opened_ms INTEGER NOT NULL,
            cleared_ms INTEGER NULL,
            acked_ms INTEGER NULL,
            acked_by TEXT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_alerts_product ON alerts (product_id, opened_ms);
        CREATE INDEX IF NOT EXISTS ix_alerts_rule ON alerts (rule_id, serial, state);
        CREATE TABLE IF NOT EXISTS webhook_deliveries (
            id TEXT PRIMARY KEY,
            product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
            rule_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            url TEXT NOT NULL,
            body TEXT NOT NULL,
            signature TEXT NULL,
            origin TEXT NOT NULL UNIQUE,
            attempts INTEGER NOT NULL,
            max_attempts INTEGER NOT NULL,
            backoff_ms INTEGER NOT NULL,
            next_ms INTEGER NOT NULL,
            state TEXT NOT NULL,
            last_error TEXT NULL,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_deliveries_due ON webhook_deliveries (state, next_ms);
        CREATE INDEX IF NOT EXISTS ix_deliveries_product ON webhook_deliveries (product_id, created_ms);
        """;
}
