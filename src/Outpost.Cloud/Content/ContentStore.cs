using System.Security.Cryptography;

namespace Outpost.Cloud.Content;

/// <summary>
/// The content area: per product, files (app tarballs, firmware) that devices download.
/// Called by the management API (upload, list, delete, clone) and the device API (list, info, download).
/// </summary>
/// <remarks>
/// 1. An upload streams into a temp file beside its final place, hashing as it goes.
/// 2. A size or sha256 mismatch deletes the temp file: nothing changes.
/// 3. Otherwise the file is fsynced and renamed over the old one (atomic), then the catalog row is written.
/// A reader therefore sees the old file or the new one, never a torn one.
/// A crash between two of these steps (or between a delete's catalog row and its file) can leave a file the catalog
/// does not know; <see cref="SweepAsync"/> removes those at start, before any request can race it.
/// </remarks>
internal sealed class ContentStore(IContentCatalog catalog, string root, TimeProvider clock)
{
    public string PathOf(string productId, string id) => Path.Combine(root, productId, id);

    /// <summary>
    /// Why <paramref name="meta"/> cannot be stored, or null. It comes back as the last field of the device API's
    /// one-line info answer (<c>type,size,updated,meta</c>): a line break or other control character would split it.
    /// </summary>
    public static string? CheckMeta(string meta) =>
        meta.Length > 1024 ? "meta must be at most 1024 characters"
        : meta.Any(char.IsControl) ? "meta must be one line without control characters (tab, line break, …)"
        : null;

    /// <summary>Why <paramref name="contentType"/> cannot be stored, or null: it is sent back as every download's Content-Type.</summary>
    public static string? CheckContentType(string contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.SubType.Length > 0
            ? null
            : $"Content-Type '{(contentType.Length <= 100 ? contentType : contentType[..100] + "…")}' is not a media type such as application/gzip";

    public Task<ContentItem?> GetAsync(string productId, string id, CancellationToken cancellationToken) =>
        catalog.GetAsync(productId, id, cancellationToken);

    public Task<IReadOnlyList<ContentItem>> ListAsync(string productId, CancellationToken cancellationToken) =>
        catalog.ListAsync(productId, cancellationToken);

    /// <summary>Stores <paramref name="body"/> as <paramref name="id"/>; returns the item or why it was refused.</summary>
    public async Task<(ContentItem? Item, string? Error)> UploadAsync(
        string productId,
        string id,
        System.IO.Stream body,
        string contentType,
        string meta,
        string? expectedSha256,
        long maxBytes,
        CancellationToken cancellationToken)
    {
        var directory = Path.Combine(root, productId);
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".upload-{Guid.NewGuid():N}");
        try
        {
            long size = 0;
            string sha;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int n;
                while ((n = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += n;
                    if (size > maxBytes)
                    {
                        return (null, $"content is larger than the limit of {maxBytes} bytes");
                    }

                    hash.AppendData(buffer, 0, n);
                    await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                }

                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (expectedSha256 is not null && !string.Equals(expectedSha256, sha, StringComparison.OrdinalIgnoreCase))
            {
                return (null, $"sha256 mismatch: expected {expectedSha256.ToLowerInvariant()}, received {sha}");
            }

            File.Move(temp, PathOf(productId, id), overwrite: true);
            // The catalog keeps milliseconds: the upload's answer shows the time every later read shows.
            var item = new ContentItem(productId, id, size, sha, contentType, meta, DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds()));
            await catalog.UpsertAsync(item, cancellationToken);
            return (item, null);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public async Task<bool> DeleteAsync(string productId, string id, CancellationToken cancellationToken)
    {
        // The file only when the catalog had it: an unknown product has no directory to delete from.
        var deleted = await catalog.DeleteAsync(productId, id, cancellationToken);
        if (deleted)
        {
            File.Delete(PathOf(productId, id));
        }

        return deleted;
    }

    /// <summary>Copies every file of one product into another (the seed's staging copy).</summary>
    public async Task CopyAllAsync(string fromProduct, string toProduct, CancellationToken cancellationToken)
    {
        var targetDir = Path.Combine(root, toProduct);
        Directory.CreateDirectory(targetDir);
        foreach (var item in await catalog.ListAsync(fromProduct, cancellationToken))
        {
            var temp = Path.Combine(targetDir, $".copy-{Guid.NewGuid():N}");
            File.Copy(PathOf(fromProduct, item.Id), temp);
            File.Move(temp, PathOf(toProduct, item.Id), overwrite: true);
            await catalog.UpsertAsync(item with { ProductId = toProduct }, cancellationToken);
        }
    }

    /// <summary>
    /// Removes what a crash left behind: in each product's directory, every file the catalog does not list (an
    /// upload's or a copy's temp file, a file renamed into place whose row was never written, one whose row was
    /// deleted), then the directory itself when nothing is left. Called once at start, before the node listens.
    /// </summary>
    /// <returns>The paths removed, for the start-up log.</returns>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        if (!Directory.Exists(root))
        {
            return removed;
        }

        foreach (var directory in Directory.EnumerateDirectories(root))
        {
            var productId = Path.GetFileName(directory);
            var listed = (await catalog.ListAsync(productId, cancellationToken)).Select(item => item.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var file in Directory.EnumerateFiles(directory))
            {
                if (!listed.Contains(Path.GetFileName(file)))
                {
                    File.Delete(file);
                    removed.Add(file);
                }
            }

            if (!Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }

        return removed;
    }

    /// <summary>Removes a product's files (the catalog rows go with the product).</summary>
    public void DeleteProductFiles(string productId)
    {
        var directory = Path.Combine(root, productId);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
