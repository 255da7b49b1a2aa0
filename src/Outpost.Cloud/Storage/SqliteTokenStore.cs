using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Outpost.Cloud.Management;

namespace Outpost.Cloud.Storage;

/// <summary>Management tokens on the embedded SQLite store; look-ups cached, revocation drops the cache.</summary>
internal sealed class SqliteTokenStore(SqliteDatabase database) : ITokenStore
{
    private readonly ConcurrentDictionary<string, ApiToken> _byHash = new(StringComparer.Ordinal);

    public async Task AddAsync(ApiToken token, string tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO tokens (id, name, role, token_hash, created_ms) VALUES ($id, $n, $r, $h, $t)";
        insert.Parameters.AddWithValue("$id", token.Id);
        insert.Parameters.AddWithValue("$n", token.Name);
        insert.Parameters.AddWithValue("$r", token.Role.ToString().ToLowerInvariant());
        insert.Parameters.AddWithValue("$h", tokenHash);
        insert.Parameters.AddWithValue("$t", token.Created.ToUnixTimeMilliseconds());
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<ApiToken?> FindByHashAsync(string tokenHash, CancellationToken cancellationToken)
    {
        if (_byHash.TryGetValue(tokenHash, out var cached))
        {
            return cached;
        }

        var found = (await QueryAsync("token_hash = $h AND revoked_ms IS NULL", tokenHash, cancellationToken)).FirstOrDefault();
        if (found is not null)
        {
            _byHash[tokenHash] = found;
        }

        return found;
    }

    public Task<IReadOnlyList<ApiToken>> ListAsync(CancellationToken cancellationToken) => QueryAsync("1 = 1", null, cancellationToken);

    public async Task<TokenRevocation> RevokeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One write transaction (BEGIN IMMEDIATE) holds the check and the revoke: two admins revoking each other at
        // once are serialised by SQLite's write lock, and the second sees the first's revoke in its count.
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var update = connection.CreateCommand();
        update.Transaction = tx;
        update.CommandText = """
            UPDATE tokens SET revoked_ms = $t
            WHERE id = $id AND revoked_ms IS NULL
              AND (role <> 'admin' OR (SELECT COUNT(*) FROM tokens WHERE role = 'admin' AND revoked_ms IS NULL) > 1)
            """;
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$t", now.ToUnixTimeMilliseconds());
        if (await update.ExecuteNonQueryAsync(cancellationToken) > 0)
        {
            await tx.CommitAsync(cancellationToken);
            _byHash.Clear();
            return TokenRevocation.Revoked;
        }

        await using var active = connection.CreateCommand();
        active.Transaction = tx;
        active.CommandText = "SELECT COUNT(*) FROM tokens WHERE id = $id AND revoked_ms IS NULL";
        active.Parameters.AddWithValue("$id", id);
        var found = Convert.ToInt64(await active.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
        await tx.CommitAsync(cancellationToken);
        return found ? TokenRevocation.LastAdmin : TokenRevocation.NotFound;
    }

    public async Task<int> CountActiveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM tokens WHERE revoked_ms IS NULL";
        return Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<IReadOnlyList<ApiToken>> QueryAsync(string where, string? hash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT id, name, role, created_ms, revoked_ms FROM tokens WHERE {where} ORDER BY created_ms, id";
        if (hash is not null)
        {
            select.Parameters.AddWithValue("$h", hash);
        }

        var tokens = new List<ApiToken>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tokens.Add(new ApiToken(
                reader.GetString(0),
                reader.GetString(1),
                Enum.Parse<TokenRole>(reader.GetString(2), ignoreCase: true),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4))));
        }

        return tokens;
    }
}
