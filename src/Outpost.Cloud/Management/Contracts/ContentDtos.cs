namespace Outpost.Cloud.Management.Contracts;

/// <summary>A content file as the API shows it.</summary>
internal sealed record ContentDto(string Id, long Size, string Sha256, string ContentType, string Meta, DateTimeOffset Updated);
