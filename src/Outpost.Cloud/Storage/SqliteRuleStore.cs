using Microsoft.Data.Sqlite;
using Outpost.Cloud.Alerts;
using Outpost.Cloud.Rules;
using Outpost.Cloud.Webhooks;

namespace Outpost.Cloud.Storage;

/// <summary>
/// Rules, firing states, alerts and webhook deliveries on the embedded store. Creates its own tables on first use
/// (<see cref="SqliteRuleSchema"/>), so the core schema stays as it is.
/// </summary>
internal sealed class SqliteRuleStore(SqliteDatabase database) : IRuleStore
{
    private const string ProgressName = "rules";
    private const string AlertColumns = "id, product_id, rule_id, rule_name, serial, severity, message, value, state, opened_ms, cleared_ms, acked_ms, acked_by";
    private const string DeliveryColumns =
        "id, product_id, rule_id, event_type, url, body, signature, attempts, max_attempts, backoff_ms, next_ms, state, last_error, created_ms, updated_ms";

    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    public async Task<bool> AddRuleAsync(StoredRule rule, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO rules (id, product_id, name, definition, enabled, created_ms, updated_ms) VALUES ($id, $p, $n, $d, $e, $c, $u)
            ON CONFLICT (product_id, name) DO NOTHING
            """;
        insert.Parameters.AddWithValue("$id", rule.Id);
        insert.Parameters.AddWithValue("$p", rule.ProductId);
        insert.Parameters.AddWithValue("$n", rule.Name);
        insert.Parameters.AddWithValue("$d", rule.Definition);
        insert.Parameters.AddWithValue("$e", rule.Enabled ? 1 : 0);
        insert.Parameters.AddWithValue("$c", rule.Created.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$u", rule.Updated.ToUnixTimeMilliseconds());
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<StoredRule?> GetRuleAsync(string id, CancellationToken cancellationToken) =>
        (await QueryRulesAsync("id = $x", id, cancellationToken)).FirstOrDefault();

    public Task<IReadOnlyList<StoredRule>> ListRulesAsync(string? productId, CancellationToken cancellationToken) =>
        QueryRulesAsync("($x IS NULL OR product_id = $x)", productId, cancellationToken);

    public async Task<bool> SetEnabledAsync(string id, bool enabled, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var changed = await ExecuteAsync(connection, tx, "UPDATE rules SET enabled = $e, updated_ms = $now WHERE id = $id", cancellationToken,
            ("$id", id), ("$e", enabled ? 1 : 0), ("$now", now.ToUnixTimeMilliseconds())) == 1;
        if (changed && !enabled)
        {
            await ForgetAsync(connection, tx, id, now, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return changed;
    }

    public async Task<bool> DeleteRuleAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await ForgetAsync(connection, tx, id, now, cancellationToken);
        var deleted = await ExecuteAsync(connection, tx, "DELETE FROM rules WHERE id = $id", cancellationToken, ("$id", id)) == 1;
        await tx.CommitAsync(cancellationToken);
        return deleted;
    }

    public async Task<IReadOnlyList<(string RuleId, string Serial)>> ReadFiringAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT rule_id, serial FROM rule_states";
        var firing = new List<(string, string)>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            firing.Add((reader.GetString(0), reader.GetString(1)));
        }

        return firing;
    }

    public async Task<IReadOnlyList<(string RuleId, string Serial, string AlertId, string Severity)>> ReadFiringAlertsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        // rowid breaks the tie between alerts one firing opened together: it is their actions' order.
        select.CommandText = """
            SELECT a.rule_id, a.serial, a.id, a.severity FROM rule_states s
            JOIN alerts a ON a.rule_id = s.rule_id AND a.serial = s.serial AND a.state IN ('open', 'acknowledged')
            ORDER BY a.opened_ms, a.rowid
            """;
        var alerts = new List<(string, string, string, string)>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            alerts.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return alerts;
    }

    public async Task<IReadOnlyDictionary<string, int>> CountFiringAsync(string productId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT s.rule_id, COUNT(*) FROM rule_states s JOIN rules r ON r.id = s.rule_id WHERE r.product_id = $p GROUP BY s.rule_id";
        select.Parameters.AddWithValue("$p", productId);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }

        return counts;
    }

    public async Task<long> ReadProgressAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT offset_id FROM rule_progress WHERE name = $n";
        select.Parameters.AddWithValue("$n", ProgressName);
        return await select.ExecuteScalarAsync(cancellationToken) is long offset ? offset : 0;
    }

    public async Task ApplyAsync(RulePlan plan, long? progress, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (plan.IsEmpty && progress is null)
        {
            return;
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        await using var connection = await OpenAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var change in plan.Changes)
        {
            switch (change.Kind)
            {
                case RuleChangeKind.Fire:
                    // A rule deleted meanwhile has no row to reference: its state is dropped, not an error.
                    await ExecuteAsync(connection, tx, """
                        INSERT INTO rule_states (rule_id, serial, since_ms) SELECT $r, $s, $t WHERE EXISTS (SELECT 1 FROM rules WHERE id = $r)
                        ON CONFLICT (rule_id, serial) DO NOTHING
                        """, cancellationToken, ("$r", change.RuleId), ("$s", change.Serial), ("$t", change.SinceMs));
                    break;
                case RuleChangeKind.Unfire:
                    await ExecuteAsync(connection, tx, "DELETE FROM rule_states WHERE rule_id = $r AND serial = $s", cancellationToken,
                        ("$r", change.RuleId), ("$s", change.Serial));
                    break;
                case RuleChangeKind.ClearAlerts:
                    await ExecuteAsync(connection, tx, """
                        UPDATE alerts SET state = 'cleared', cleared_ms = $now WHERE rule_id = $r AND serial = $s AND state IN ('open', 'acknowledged')
                        """, cancellationToken, ("$r", change.RuleId), ("$s", change.Serial), ("$now", nowMs));
                    break;
                case RuleChangeKind.OpenAlert:
                    var a = change.Alert!;
                    await ExecuteAsync(connection, tx, $"""
                        INSERT INTO alerts ({AlertColumns}, origin) VALUES ($id, $p, $r, $rn, $s, $sev, $m, $v, $st, $o, NULL, NULL, NULL, $origin)
                        ON CONFLICT (origin) DO NOTHING
                        """, cancellationToken, ("$id", a.Id), ("$p", a.ProductId), ("$r", a.RuleId), ("$rn", a.RuleName), ("$s", a.Serial),
                        ("$sev", a.Severity), ("$m", a.Message), ("$v", a.Value), ("$st", a.State), ("$o", a.Opened.ToUnixTimeMilliseconds()), ("$origin", change.Origin));
                    break;
                case RuleChangeKind.Deliver:
                    var d = change.Delivery!;
                    await ExecuteAsync(connection, tx, $"""
                        INSERT INTO webhook_deliveries ({DeliveryColumns}, origin)
                        VALUES ($id, $p, $r, $type, $url, $body, $sig, 0, $max, $backoff, $next, 'pending', NULL, $now, $now, $origin)
                        ON CONFLICT (origin) DO NOTHING
                        """, cancellationToken, ("$id", d.Id), ("$p", d.ProductId), ("$r", d.RuleId), ("$type", d.EventType), ("$url", d.Url.ToString()),
                        ("$body", d.Body), ("$sig", d.Signature), ("$max", d.MaxAttempts), ("$backoff", (long)d.Backoff.TotalMilliseconds),
                        ("$next", d.NextAttempt.ToUnixTimeMilliseconds()), ("$now", nowMs), ("$origin", change.Origin));
                    break;
            }
        }

        if (progress is { } offset)
        {
            await ExecuteAsync(connection, tx, """
                INSERT INTO rule_progress (name, offset_id) VALUES ($n, $o) ON CONFLICT (name) DO UPDATE SET offset_id = excluded.offset_id
                """, cancellationToken, ("$n", ProgressName), ("$o", offset));
        }

        await tx.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Alert>> ListAlertsAsync(string productId, string? state, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = $"""
            SELECT {AlertColumns} FROM alerts WHERE product_id = $p AND ($st IS NULL OR state = $st) ORDER BY opened_ms DESC, id LIMIT $l
            """;
        select.Parameters.AddWithValue("$p", productId);
        select.Parameters.AddWithValue("$st", (object?)state ?? DBNull.Value);
        select.Parameters.AddWithValue("$l", limit);
        return await ReadAlertsAsync(select, cancellationToken);
    }

    public async Task<Alert?> GetAlertAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {AlertColumns} FROM alerts WHERE id = $id";
        select.Parameters.AddWithValue("$id", id);
        return (await ReadAlertsAsync(select, cancellationToken)).FirstOrDefault();
    }

    public async Task<Alert?> AcknowledgeAsync(string id, string by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var connection = await OpenAsync(cancellationToken))
        {
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE alerts SET state = 'acknowledged', acked_ms = $now, acked_by = $by WHERE id = $id AND state = 'open'";
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$by", by);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return null;
            }
        }

        return await GetAlertAsync(id, cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> PendingDeliveriesAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE state = 'pending' ORDER BY next_ms, id LIMIT $l";
        select.Parameters.AddWithValue("$l", limit);
        return await ReadDeliveriesAsync(select, cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(string productId, string? state, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = $"""
            SELECT {DeliveryColumns} FROM webhook_deliveries WHERE product_id = $p AND ($st IS NULL OR state = $st) ORDER BY created_ms DESC, id LIMIT $l
            """;
        select.Parameters.AddWithValue("$p", productId);
        select.Parameters.AddWithValue("$st", (object?)state ?? DBNull.Value);
        select.Parameters.AddWithValue("$l", limit);
        return await ReadDeliveriesAsync(select, cancellationToken);
    }

    public async Task<WebhookDelivery?> GetDeliveryAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE id = $id";
        select.Parameters.AddWithValue("$id", id);
        return (await ReadDeliveriesAsync(select, cancellationToken)).FirstOrDefault();
    }

    public async Task RecordAttemptAsync(string id, int attempts, string state, DateTimeOffset next, string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var update = connection.CreateCommand();
        update.CommandText = """
            UPDATE webhook_deliveries SET attempts = $a, state = $st, next_ms = $next, last_error = $err, updated_ms = $now WHERE id = $id
            """;
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$a", attempts);
        update.Parameters.AddWithValue("$st", state);
        // Rounded up: stored truncated, a retry became due up to a millisecond before its backoff had passed.
        update.Parameters.AddWithValue("$next", next.AddTicks(TimeSpan.TicksPerMillisecond - 1).ToUnixTimeMilliseconds());
        update.Parameters.AddWithValue("$err", (object?)error ?? DBNull.Value);
        update.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ForgetAsync(SqliteConnection connection, SqliteTransaction tx, string ruleId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, tx, "DELETE FROM rule_states WHERE rule_id = $r", cancellationToken, ("$r", ruleId));
        await ExecuteAsync(connection, tx, "UPDATE alerts SET state = 'cleared', cleared_ms = $now WHERE rule_id = $r AND state IN ('open', 'acknowledged')",
            cancellationToken, ("$r", ruleId), ("$now", now.ToUnixTimeMilliseconds()));
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<StoredRule>> QueryRulesAsync(string where, string? argument, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT id, product_id, name, definition, enabled, created_ms, updated_ms FROM rules WHERE {where} ORDER BY product_id, name";
        select.Parameters.AddWithValue("$x", (object?)argument ?? DBNull.Value);
        var rules = new List<StoredRule>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rules.Add(new StoredRule(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4) != 0,
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
        }

        return rules;
    }

    private static async Task<IReadOnlyList<Alert>> ReadAlertsAsync(SqliteCommand select, CancellationToken cancellationToken)
    {
        var alerts = new List<Alert>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            alerts.Add(new Alert(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), Time(reader, 9)!.Value, Time(reader, 10), Time(reader, 11),
                reader.IsDBNull(12) ? null : reader.GetString(12)));
        }

        return alerts;
    }

    private static async Task<IReadOnlyList<WebhookDelivery>> ReadDeliveriesAsync(SqliteCommand select, CancellationToken cancellationToken)
    {
        var deliveries = new List<WebhookDelivery>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            deliveries.Add(new WebhookDelivery(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), new Uri(reader.GetString(4)),
                reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetInt32(7), reader.GetInt32(8),
                TimeSpan.FromMilliseconds(reader.GetInt64(9)), Time(reader, 10)!.Value, reader.GetString(11), reader.IsDBNull(12) ? null : reader.GetString(12),
                Time(reader, 13)!.Value, Time(reader, 14)!.Value));
        }

        return deliveries;
    }

    private static DateTimeOffset? Time(SqliteDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(column));

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        if (_schemaReady)
        {
            return connection;
        }

        await _schemaGate.WaitAsync(cancellationToken);
        try
        {
            if (!_schemaReady)
            {
                await using var create = connection.CreateCommand();
                create.CommandText = SqliteRuleSchema.Ddl;
                await create.ExecuteNonQueryAsync(cancellationToken);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaGate.Release();
        }

        return connection;
    }
}
