namespace Outpost.Cloud.Content;

/// <summary>One file of a product's content area, such as <c>test_app.v1.tar.gz</c>.</summary>
internal sealed record ContentItem(string ProductId, string Id, long Size, string Sha256, string ContentType, string Meta, DateTimeOffset Updated);
