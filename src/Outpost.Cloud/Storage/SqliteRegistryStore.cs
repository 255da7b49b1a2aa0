using System.Collections.Concurrent;
using System.Text;
using Microsoft.Data.Sqlite;
using Outpost.Cloud.Registry;
using Outpost.Cloud.Stream;

namespace Outpost.Cloud.Storage;

/// <summary>
/// The registry on the embedded SQLite store. Products and CIK look-ups are cached in memory because every
/// device-API request needs them; any change to a product or device drops the cache entries it could affect.
/// </summary>
internal sealed class SqliteRegistryStore(SqliteDatabase database, IEventStream events, IChangeNotifier notifier, TimeProvider clock) : IRegistryStore
{
    private readonly ConcurrentDictionary<string, Product> _products = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeviceIdentity> _ciks = new(StringComparer.Ordinal);

    public async Task<bool> CreateProductAsync(Product product, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = Command(connection, tx, """
            INSERT INTO products (id, name, provisioning, write_rate, write_burst, staging_of, created_ms)
            VALUES ($id, $name, $prov, $rate, $burst, $staging, $created) ON CONFLICT (id) DO NOTHING
            """))
        {
            insert.Parameters.AddWithValue("$id", product.Id);
            insert.Parameters.AddWithValue("$name", product.Name);
            insert.Parameters.AddWithValue("$prov", RegistryText.Of(product.Provisioning));
            insert.Parameters.AddWithValue("$rate", product.WriteLimit.PerSecond);
            insert.Parameters.AddWithValue("$burst", product.WriteLimit.Burst);
            insert.Parameters.AddWithValue("$staging", (object?)product.StagingOf ?? DBNull.Value);
            insert.Parameters.AddWithValue("$created", product.Created.ToUnixTimeMilliseconds());
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        foreach (var resource in product.Resources)
        {
            await InsertResourceAsync(connection, tx, product.Id, resource, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        _products.TryRemove(product.Id, out _);
        return true;
    }

    public async ValueTask<Product?> GetProductAsync(string productId, CancellationToken cancellationToken)
    {
        if (_products.TryGetValue(productId, out var cached))
        {
            return cached;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var product = (await ReadProductsAsync(connection, productId, cancellationToken)).FirstOrDefault();
        if (product is not null)
        {
            _products[productId] = product;
        }

        return product;
    }

    public async Task<IReadOnlyList<Product>> ListProductsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ReadProductsAsync(connection, null, cancellationToken);
    }

    public async Task<bool> UpdateProductAsync(Product product, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var update = Command(connection, null, """
            UPDATE products SET name = $name, provisioning = $prov, write_rate = $rate, write_burst = $burst,
                staging_of = $staging WHERE id = $id
            """);
        update.Parameters.AddWithValue("$id", product.Id);
        update.Parameters.AddWithValue("$name", product.Name);
        update.Parameters.AddWithValue("$prov", RegistryText.Of(product.Provisioning));
        update.Parameters.AddWithValue("$rate", product.WriteLimit.PerSecond);
        update.Parameters.AddWithValue("$burst", product.WriteLimit.Burst);
        update.Parameters.AddWithValue("$staging", (object?)product.StagingOf ?? DBNull.Value);
        var changed = await update.ExecuteNonQueryAsync(cancellationToken) > 0;
        _products.TryRemove(product.Id, out _);
        return changed;
    }

    public async Task<bool> DeleteProductAsync(string productId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var sql in new[]
        {
            "DELETE FROM samples WHERE device_id IN (SELECT id FROM devices WHERE product_id = $id)",
            "DELETE FROM samples_recent WHERE device_id IN (SELECT id FROM devices WHERE product_id = $id)",
            "DELETE FROM message_ids WHERE device_id IN (SELECT id FROM devices WHERE product_id = $id)",
        })
        {
            await using var purge = Command(connection, tx, sql);
            purge.Parameters.AddWithValue("$id", productId);
            await purge.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var delete = Command(connection, tx, "DELETE FROM products WHERE id = $id");
        delete.Parameters.AddWithValue("$id", productId);
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
        await tx.CommitAsync(cancellationToken);
        _products.TryRemove(productId, out _);
        _ciks.Clear();
        return deleted;
    }

    public async Task<bool> AddResourceAsync(string productId, Resource resource, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var added = await InsertResourceAsync(connection, null, productId, resource, cancellationToken);
        _products.TryRemove(productId, out _);
        return added;
    }

    public async Task<bool> RemoveResourceAsync(string productId, string alias, bool purge, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (purge)
        {
            foreach (var sql in new[]
            {
                "DELETE FROM samples WHERE alias = $alias AND device_id IN (SELECT id FROM devices WHERE product_id = $pid)",
                "DELETE FROM samples_recent WHERE alias = $alias AND device_id IN (SELECT id FROM devices WHERE product_id = $pid)",
            })
            {
                await using var purgeCommand = Command(connection, tx, sql);
                purgeCommand.Parameters.AddWithValue("$pid", productId);
                purgeCommand.Parameters.AddWithValue("$alias", alias);
                await purgeCommand.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using var delete = Command(connection, tx, "DELETE FROM resources WHERE product_id = $pid AND alias = $alias");
        delete.Parameters.AddWithValue("$pid", productId);
        delete.Parameters.AddWithValue("$alias", alias);
        var removed = await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
        await tx.CommitAsync(cancellationToken);
        _products.TryRemove(productId, out _);
        return removed;
    }

    public async Task<bool> HasValuesAsync(string productId, string alias, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var query = Command(connection, null, """
            SELECT 1 FROM samples WHERE alias = $alias AND device_id IN (SELECT id FROM devices WHERE product_id = $pid)
            UNION ALL
            SELECT 1 FROM samples_recent WHERE alias = $alias AND device_id IN (SELECT id FROM devices WHERE product_id = $pid)
            LIMIT 1
            """);
        query.Parameters.AddWithValue("$pid", productId);
        query.Parameters.AddWithValue("$alias", alias);
        return await query.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task<IReadOnlyList<string>> AddDevicesAsync(
        string productId,
        IReadOnlyList<string> serials,
        IReadOnlyDictionary<string, string> tags,
        string metadata,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var existing = new List<string>();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = Command(connection, tx, """
            INSERT INTO devices (product_id, serial, status, metadata, created_ms)
            VALUES ($pid, $sn, 'notactivated', $meta, $now) ON CONFLICT (product_id, serial) DO NOTHING
            RETURNING id
            """);
        insert.Parameters.AddWithValue("$pid", productId);
        var sn = insert.Parameters.Add("$sn", SqliteType.Text);
        insert.Parameters.AddWithValue("$meta", metadata);
        insert.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        await using var tag = Command(connection, tx, "INSERT INTO device_tags (device_id, tag_key, tag_value) VALUES ($d, $k, $v)");
        var tagDevice = tag.Parameters.Add("$d", SqliteType.Integer);
        var tagKey = tag.Parameters.Add("$k", SqliteType.Text);
        var tagValue = tag.Parameters.Add("$v", SqliteType.Text);
        foreach (var serial in serials)
        {
            sn.Value = serial;
            var id = await insert.ExecuteScalarAsync(cancellationToken);
            if (id is null)
            {
                existing.Add(serial);
                continue;
            }

            foreach (var (k, v) in tags)
            {
                tagDevice.Value = id;
                tagKey.Value = k;
                tagValue.Value = v;
                await tag.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await tx.CommitAsync(cancellationToken);
        return existing;
    }

    public async Task<Device?> GetDeviceAsync(string productId, string serial, CancellationToken cancellationToken)
    {
        var list = await ListDevicesAsync(productId, new DeviceQuery(Serials: [serial], Limit: 1), cancellationToken);
        return list.Count == 0 ? null : list[0];
    }

    public async Task<IReadOnlyList<Device>> ListDevicesAsync(string productId, DeviceQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var sql = new StringBuilder("""
            SELECT id, product_id, serial, status, metadata, created_ms, activated_ms, last_seen_ms
            FROM devices d WHERE product_id = $pid
            """);
        await using var select = connection.CreateCommand();
        select.Parameters.AddWithValue("$pid", productId);
        if (query.Status is { } status)
        {
            sql.Append(" AND status = $status");
            select.Parameters.AddWithValue("$status", RegistryText.Of(status));
        }

        if (query.After is not null)
        {
            sql.Append(" AND serial > $after");
            select.Parameters.AddWithValue("$after", query.After);
        }

        if (query.Serials is { Count: > 0 } serials)
        {
            sql.Append(" AND serial IN (");
            for (var i = 0; i < serials.Count; i++)
            {
                sql.Append(i == 0 ? "" : ", ").Append("$sn").Append(i);
                select.Parameters.AddWithValue("$sn" + i, serials[i]);
            }

            sql.Append(')');
        }

        var t = 0;
        foreach (var (k, v) in query.Tags ?? new Dictionary<string, string>())
        {
            sql.Append($" AND EXISTS (SELECT 1 FROM device_tags t WHERE t.device_id = d.id AND t.tag_key = $tk{t} AND t.tag_value = $tv{t})");
            select.Parameters.AddWithValue("$tk" + t, k);
            select.Parameters.AddWithValue("$tv" + t, v);
            t++;
        }

        sql.Append(" ORDER BY serial LIMIT $limit");
        select.Parameters.AddWithValue("$limit", query.Limit);
        select.CommandText = sql.ToString();

        var rows = new List<(long Id, string Pid, string Serial, string Status, string Meta, long Created, long? Activated, long? Seen)>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetInt64(7)));
            }
        }

        var tags = await ReadTagsAsync(connection, rows.Select(r => r.Id).ToList(), cancellationToken);
        return rows.Select(r => new Device(
            r.Id,
            r.Pid,
            r.Serial,
            RegistryText.TryStatus(r.Status, out var status) ? status : DeviceStatus.NotActivated,
            tags.TryGetValue(r.Id, out var deviceTags) ? deviceTags : new Dictionary<string, string>(),
            r.Meta,
            DateTimeOffset.FromUnixTimeMilliseconds(r.Created),
            r.Activated is { } a ? DateTimeOffset.FromUnixTimeMilliseconds(a) : null,
            r.Seen is { } s ? DateTimeOffset.FromUnixTimeMilliseconds(s) : null)).ToList();
    }

    public async Task<int> CountDevicesAsync(string productId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var count = Command(connection, null, "SELECT COUNT(*) FROM devices WHERE product_id = $pid");
        count.Parameters.AddWithValue("$pid", productId);
        return Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<Device?> UpdateDeviceAsync(string productId, string serial, DeviceChange change, CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using var find = Command(connection, tx, "SELECT id FROM devices WHERE product_id = $pid AND serial = $sn");
            find.Parameters.AddWithValue("$pid", productId);
            find.Parameters.AddWithValue("$sn", serial);
            if (await find.ExecuteScalarAsync(cancellationToken) is not long id)
            {
                return null;
            }

            if (change.Metadata is not null)
            {
                await using var meta = Command(connection, tx, "UPDATE devices SET metadata = $m WHERE id = $id");
                meta.Parameters.AddWithValue("$m", change.Metadata);
                meta.Parameters.AddWithValue("$id", id);
                await meta.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var key in change.RemoveTags ?? [])
            {
                await using var remove = Command(connection, tx, "DELETE FROM device_tags WHERE device_id = $id AND tag_key = $k");
                remove.Parameters.AddWithValue("$id", id);
                remove.Parameters.AddWithValue("$k", key);
                await remove.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var (k, v) in change.SetTags ?? new Dictionary<string, string>())
            {
                await using var set = Command(connection, tx, """
                    INSERT INTO device_tags (device_id, tag_key, tag_value) VALUES ($id, $k, $v)
                    ON CONFLICT (device_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value
                    """);
                set.Parameters.AddWithValue("$id", id);
                set.Parameters.AddWithValue("$k", k);
                set.Parameters.AddWithValue("$v", v);
                await set.ExecuteNonQueryAsync(cancellationToken);
            }

            await tx.CommitAsync(cancellationToken);
        }

        return await GetDeviceAsync(productId, serial, cancellationToken);
    }

    public Task<bool> DisableDeviceAsync(string productId, string serial, CancellationToken cancellationToken) =>
        SetStatusAsync(productId, serial, "status = 'disabled', cik_hash = NULL", cancellationToken);

    public Task<bool> EnableDeviceAsync(string productId, string serial, CancellationToken cancellationToken) =>
        SetStatusAsync(productId, serial, "status = 'notactivated', cik_hash = NULL, activated_ms = NULL", cancellationToken);

    public async Task<bool> DeleteDeviceAsync(string productId, string serial, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var find = Command(connection, tx, "SELECT id FROM devices WHERE product_id = $pid AND serial = $sn");
        find.Parameters.AddWithValue("$pid", productId);
        find.Parameters.AddWithValue("$sn", serial);
        if (await find.ExecuteScalarAsync(cancellationToken) is not long id)
        {
            return false;
        }

        foreach (var table in new[] { "samples", "samples_recent", "message_ids" })
        {
            await using var purge = Command(connection, tx, $"DELETE FROM {table} WHERE device_id = $id");
            purge.Parameters.AddWithValue("$id", id);
            await purge.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var delete = Command(connection, tx, "DELETE FROM devices WHERE id = $id");
        delete.Parameters.AddWithValue("$id", id);
        await delete.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        _ciks.Clear();
        notifier.Revoke(id);
        return true;
    }

    public async Task<ActivationResult> ActivateAsync(string productId, string serial, string cikHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var product = await GetProductAsync(productId, cancellationToken);
        if (product is null)
        {
            return ActivationResult.NotFound;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (product.Provisioning == ProvisioningMode.Open)
        {
            await using var create = Command(connection, tx, """
                INSERT INTO devices (product_id, serial, status, metadata, created_ms)
                VALUES ($pid, $sn, 'notactivated', '{}', $now) ON CONFLICT (product_id, serial) DO NOTHING
                """);
            create.Parameters.AddWithValue("$pid", productId);
            create.Parameters.AddWithValue("$sn", serial);
            create.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var activate = Command(connection, tx, """
            UPDATE devices SET status = 'activated', cik_hash = $hash, activated_ms = $now, last_seen_ms = $now
            WHERE product_id = $pid AND serial = $sn AND status = 'notactivated'
            RETURNING id
            """);
        activate.Parameters.AddWithValue("$pid", productId);
        activate.Parameters.AddWithValue("$sn", serial);
        activate.Parameters.AddWithValue("$hash", cikHash);
        activate.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        if (await activate.ExecuteScalarAsync(cancellationToken) is long deviceId)
        {
            var offset = await AppendEventAsync(connection, tx, productId, deviceId, EventKinds.Activated, serial, cancellationToken);
            await tx.CommitAsync(cancellationToken);
            events.Appended(offset);
            return ActivationResult.Activated;
        }

        await using var exists = Command(connection, tx, "SELECT 1 FROM devices WHERE product_id = $pid AND serial = $sn");
        exists.Parameters.AddWithValue("$pid", productId);
        exists.Parameters.AddWithValue("$sn", serial);
        return await exists.ExecuteScalarAsync(cancellationToken) is null ? ActivationResult.NotFound : ActivationResult.Conflict;
    }

    public async ValueTask<DeviceIdentity?> FindByCikHashAsync(string cikHash, CancellationToken cancellationToken)
    {
        if (_ciks.TryGetValue(cikHash, out var cached))
        {
            return cached;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var find = Command(connection, null,
            "SELECT id, product_id, serial FROM devices WHERE cik_hash = $hash AND status = 'activated'");
        find.Parameters.AddWithValue("$hash", cikHash);
        await using var reader = await find.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var identity = new DeviceIdentity(reader.GetInt64(0), reader.GetString(1), reader.GetString(2));
        _ciks[cikHash] = identity;
        return identity;
    }

    public async Task RecordLastSeenAsync(IReadOnlyDictionary<long, DateTimeOffset> lastSeen, CancellationToken cancellationToken)
    {
        if (lastSeen.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var update = Command(connection, tx,
            "UPDATE devices SET last_seen_ms = $t WHERE id = $id AND (last_seen_ms IS NULL OR last_seen_ms < $t)");
        var id = update.Parameters.Add("$id", SqliteType.Integer);
        var t = update.Parameters.Add("$t", SqliteType.Integer);
        foreach (var (deviceId, seen) in lastSeen)
        {
            id.Value = deviceId;
            t.Value = seen.ToUnixTimeMilliseconds();
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    private async Task<bool> SetStatusAsync(string productId, string serial, string assignments, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var update = Command(connection, tx, $"UPDATE devices SET {assignments} WHERE product_id = $pid AND serial = $sn RETURNING id, status");
        update.Parameters.AddWithValue("$pid", productId);
        update.Parameters.AddWithValue("$sn", serial);
        long? deviceId = null;
        string? status = null;
        long offset = 0;
        await using (var reader = await update.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                deviceId = reader.GetInt64(0);
                status = reader.GetString(1);
            }
        }

        if (deviceId is { } id)
        {
            offset = await AppendEventAsync(connection, tx, productId, id, EventKinds.Status, status!, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        _ciks.Clear();
        if (deviceId is { } changed)
        {
            events.Appended(offset);
            notifier.Revoke(changed); // every status change voids the CIK: its waiting long polls answer 401 now
        }

        return deviceId is not null;
    }

    /// <summary>A registry change's event, in the change's own transaction; returns its offset.</summary>
    private async Task<long> AppendEventAsync(SqliteConnection connection, SqliteTransaction tx, string productId, long deviceId, string kind, string value, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var insert = Command(connection, tx,
            "INSERT INTO events (product_id, device_id, alias, value, ts_ms, kind, source, created_ms) VALUES ($p, $d, '', $v, $t, $k, 'registry', $t) RETURNING offset_id");
        insert.Parameters.AddWithValue("$p", productId);
        insert.Parameters.AddWithValue("$d", deviceId);
        insert.Parameters.AddWithValue("$v", value);
        insert.Parameters.AddWithValue("$t", now);
        insert.Parameters.AddWithValue("$k", kind);
        return (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<bool> InsertResourceAsync(SqliteConnection connection, SqliteTransaction? tx, string productId, Resource resource, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, tx, """
            INSERT INTO resources (product_id, alias, format, settable) VALUES ($pid, $alias, $format, $settable)
            ON CONFLICT (product_id, alias) DO NOTHING
            """);
        insert.Parameters.AddWithValue("$pid", productId);
        insert.Parameters.AddWithValue("$alias", resource.Alias);
        insert.Parameters.AddWithValue("$format", RegistryText.Of(resource.Format));
        insert.Parameters.AddWithValue("$settable", resource.Settable ? 1 : 0);
        return await insert.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static async Task<List<Product>> ReadProductsAsync(SqliteConnection connection, string? productId, CancellationToken cancellationToken)
    {
        var resources = new Dictionary<string, List<Resource>>(StringComparer.Ordinal);
        await using (var select = Command(connection, null,
            "SELECT product_id, alias, format, settable FROM resources WHERE $id IS NULL OR product_id = $id ORDER BY product_id, alias"))
        {
            select.Parameters.AddWithValue("$id", (object?)productId ?? DBNull.Value);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var pid = reader.GetString(0);
                if (!resources.TryGetValue(pid, out var list))
                {
                    resources[pid] = list = [];
                }

                list.Add(new Resource(reader.GetString(1), RegistryText.TryFormat(reader.GetString(2), out var format) ? format : ResourceFormat.String, reader.GetInt64(3) != 0));
            }
        }

        var products = new List<Product>();
        await using (var select = Command(connection, null, """
            SELECT id, name, provisioning, write_rate, write_burst, staging_of, created_ms FROM products
            WHERE $id IS NULL OR id = $id ORDER BY id
            """))
        {
            select.Parameters.AddWithValue("$id", (object?)productId ?? DBNull.Value);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetString(0);
                products.Add(new Product(
                    id,
                    reader.GetString(1),
                    RegistryText.TryProvisioning(reader.GetString(2), out var provisioning) ? provisioning : ProvisioningMode.Allowlist,
                    new WriteLimit(reader.GetDouble(3), reader.GetInt32(4)),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                    resources.TryGetValue(id, out var list) ? list : []));
            }
        }

        return products;
    }

    private static async Task<Dictionary<long, IReadOnlyDictionary<string, string>>> ReadTagsAsync(SqliteConnection connection, List<long> ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<long, IReadOnlyDictionary<string, string>>();
        if (ids.Count == 0)
        {
            return result;
        }

        // Chunks keep the parameter count well under SQLite's limit.
        foreach (var chunk in ids.Chunk(500))
        {
            await using var select = connection.CreateCommand();
            select.CommandText = "SELECT device_id, tag_key, tag_value FROM device_tags WHERE device_id IN ("
                + string.Join(", ", chunk.Select((_, i) => "$d" + i)) + ") ORDER BY tag_key";
            for (var i = 0; i < chunk.Length; i++)
            {
                select.Parameters.AddWithValue("$d" + i, chunk[i]);
            }

            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                if (!result.TryGetValue(id, out var tags))
                {
                    result[id] = tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
                }

                ((SortedDictionary<string, string>)tags)[reader.GetString(1)] = reader.GetString(2);
            }
        }

        return result;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command;
    }

}
