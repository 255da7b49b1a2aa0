using System.Text.Json;
using Microsoft.Data.Sqlite;
using Outpost.Cloud.Rollouts;

namespace Outpost.Cloud.Storage;

/// <summary>Rollouts on the embedded SQLite store: settings and snapshot as JSON, status as a column for listing.</summary>
internal sealed class SqliteRolloutStore(SqliteDatabase database) : IRolloutStore
{
    public async Task CreateAsync(Rollout rollout, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO rollouts (id, product_id, artifact, sha256, target, waves, settings, snapshot, status, created_by, created_ms, updated_ms, skip_staging)
            VALUES ($id, $p, $a, $sha, $target, $waves, $settings, $snapshot, $status, $by, $created, $updated, $skip)
            """;
        Bind(insert, rollout);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task SaveAsync(Rollout rollout, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE rollouts SET snapshot = $snapshot, status = $status, updated_ms = $updated WHERE id = $id";
        update.Parameters.AddWithValue("$id", rollout.Id);
        update.Parameters.AddWithValue("$snapshot", JsonSerializer.Serialize(rollout.Snapshot, RolloutJson.Options));
        update.Parameters.AddWithValue("$status", rollout.Snapshot.Status.ToString());
        update.Parameters.AddWithValue("$updated", rollout.Updated.ToUnixTimeMilliseconds());
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<Rollout?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("id = $id", cmd => cmd.Parameters.AddWithValue("$id", id), cancellationToken)).FirstOrDefault();

    public Task<IReadOnlyList<Rollout>> ListAsync(string? productId, bool activeOnly, CancellationToken cancellationToken) =>
        QueryAsync(
            "($p IS NULL OR product_id = $p)" + (activeOnly ? " AND status NOT IN ('Succeeded', 'Aborted', 'RolledBack', 'Cancelled')" : ""),
            cmd => cmd.Parameters.AddWithValue("$p", (object?)productId ?? DBNull.Value),
            cancellationToken);

    public async Task AuditAsync(RolloutAuditEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO rollout_audit (rollout_id, product_id, actor, action, detail, at_ms) VALUES ($r, $p, $actor, $action, $detail, $at)";
        insert.Parameters.AddWithValue("$r", entry.RolloutId);
        insert.Parameters.AddWithValue("$p", entry.ProductId);
        insert.Parameters.AddWithValue("$actor", entry.Actor);
        insert.Parameters.AddWithValue("$action", entry.Action);
        insert.Parameters.AddWithValue("$detail", entry.Detail);
        insert.Parameters.AddWithValue("$at", entry.At.ToUnixTimeMilliseconds());
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<RolloutAuditEntry>> ReadAuditAsync(string productId, string? rolloutId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT rollout_id, product_id, actor, action, detail, at_ms FROM rollout_audit
            WHERE product_id = $p AND ($r IS NULL OR rollout_id = $r) ORDER BY seq
            """;
        select.Parameters.AddWithValue("$p", productId);
        select.Parameters.AddWithValue("$r", (object?)rolloutId ?? DBNull.Value);
        var entries = new List<RolloutAuditEntry>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new RolloutAuditEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))));
        }

        return entries;
    }

    private async Task<IReadOnlyList<Rollout>> QueryAsync(string where, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = $"""
            SELECT id, product_id, artifact, sha256, target, waves, settings, snapshot, created_by, created_ms, updated_ms, skip_staging
            FROM rollouts WHERE {where} ORDER BY created_ms, id
            """;
        bind(select);
        var rollouts = new List<Rollout>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rollouts.Add(new Rollout(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                JsonSerializer.Deserialize<RolloutSettings>(reader.GetString(6), RolloutJson.Options)!,
                JsonSerializer.Deserialize<RolloutSnapshot>(reader.GetString(7), RolloutJson.Options)!,
                reader.GetString(8),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
                reader.IsDBNull(11) ? null : reader.GetString(11)));
        }

        return rollouts;
    }

    private static void Bind(SqliteCommand command, Rollout rollout)
    {
        command.Parameters.AddWithValue("$id", rollout.Id);
        command.Parameters.AddWithValue("$p", rollout.ProductId);
        command.Parameters.AddWithValue("$a", rollout.Artifact);
        command.Parameters.AddWithValue("$sha", rollout.Sha256);
        command.Parameters.AddWithValue("$target", rollout.Target);
        command.Parameters.AddWithValue("$waves", rollout.Waves);
        command.Parameters.AddWithValue("$settings", JsonSerializer.Serialize(rollout.Settings, RolloutJson.Options));
        command.Parameters.AddWithValue("$snapshot", JsonSerializer.Serialize(rollout.Snapshot, RolloutJson.Options));
        command.Parameters.AddWithValue("$status", rollout.Snapshot.Status.ToString());
        command.Parameters.AddWithValue("$by", rollout.CreatedBy);
        command.Parameters.AddWithValue("$created", rollout.Created.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$updated", rollout.Updated.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$skip", (object?)rollout.SkipStagingReason ?? DBNull.Value);
    }
}
