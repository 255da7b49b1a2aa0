using System.Collections.Concurrent;
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

    public async Task<bool> RevokeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE tokens SET revoked_ms = $t WHERE id = $id AND revoked_ms IS NULL";
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$t", now.ToUnixTimeMilliseconds());
        var revoked = await update.ExecuteNonQueryAsync(cancellationToken) > 0;
        _byHash.Clear();
        return revoked;
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
