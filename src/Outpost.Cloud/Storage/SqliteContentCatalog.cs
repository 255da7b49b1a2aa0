using Outpost.Cloud.Content;

namespace Outpost.Cloud.Storage;

/// <summary>The content catalog on the embedded SQLite store.</summary>
internal sealed class SqliteContentCatalog(SqliteDatabase database) : IContentCatalog
{
    public async Task UpsertAsync(ContentItem item, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var upsert = connection.CreateCommand();
        upsert.CommandText = """
            INSERT INTO content (product_id, id, size, sha256, content_type, meta, updated_ms)
            VALUES ($p, $id, $size, $sha, $type, $meta, $t)
            ON CONFLICT (product_id, id) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256,
                content_type = excluded.content_type, meta = excluded.meta, updated_ms = excluded.updated_ms
            """;
        upsert.Parameters.AddWithValue("$p", item.ProductId);
        upsert.Parameters.AddWithValue("$id", item.Id);
        upsert.Parameters.AddWithValue("$size", item.Size);
        upsert.Parameters.AddWithValue("$sha", item.Sha256);
        upsert.Parameters.AddWithValue("$type", item.ContentType);
        upsert.Parameters.AddWithValue("$meta", item.Meta);
        upsert.Parameters.AddWithValue("$t", item.Updated.ToUnixTimeMilliseconds());
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<ContentItem?> GetAsync(string productId, string id, CancellationToken cancellationToken) =>
        (await QueryAsync(productId, id, cancellationToken)).FirstOrDefault();

    public Task<IReadOnlyList<ContentItem>> ListAsync(string productId, CancellationToken cancellationToken) =>
        QueryAsync(productId, null, cancellationToken);

    public async Task<bool> DeleteAsync(string productId, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM content WHERE product_id = $p AND id = $id";
        delete.Parameters.AddWithValue("$p", productId);
        delete.Parameters.AddWithValue("$id", id);
        return await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private async Task<IReadOnlyList<ContentItem>> QueryAsync(string productId, string? id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT id, size, sha256, content_type, meta, updated_ms FROM content
            WHERE product_id = $p AND ($id IS NULL OR id = $id) ORDER BY id
            """;
        select.Parameters.AddWithValue("$p", productId);
        select.Parameters.AddWithValue("$id", (object?)id ?? DBNull.Value);
        var items = new List<ContentItem>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new ContentItem(productId, reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))));
        }

        return items;
    }
}
