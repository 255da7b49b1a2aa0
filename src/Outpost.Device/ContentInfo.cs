namespace Outpost.Device;

/// <summary>A file in the product's content area, as <c>/provision/download?…&amp;info=true</c> describes it.</summary>
/// <param name="Id">The content id (a file name).</param>
/// <param name="ContentType">Its media type.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Updated">When it was last uploaded.</param>
/// <param name="Meta">The free-form meta text stored with it.</param>
public sealed record ContentInfo(string Id, string ContentType, long Size, DateTimeOffset Updated, string Meta);
