namespace Outpost.Cloud.Management;

/// <summary>A management API token as stored: the secret itself is kept only as its SHA-256.</summary>
internal sealed record ApiToken(string Id, string Name, TokenRole Role, DateTimeOffset Created, DateTimeOffset? Revoked);
