namespace Outpost.Cloud.Content;

/// <summary>The content area's metadata, kept in the store beside the registry.</summary>
internal interface IContentCatalog
{
    Task UpsertAsync(ContentItem item, CancellationToken cancellationToken);

    Task<ContentItem?> GetAsync(string productId, string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<ContentItem>> ListAsync(string productId, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string productId, string id, CancellationToken cancellationToken);
}
