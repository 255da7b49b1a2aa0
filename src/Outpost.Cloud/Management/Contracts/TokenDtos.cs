namespace Outpost.Cloud.Management.Contracts;

/// <summary>Body of <c>POST /api/v1/tokens</c>.</summary>
internal sealed record CreateTokenRequest(string? Name, string? Role);

/// <summary>A token as listed; the secret is shown once only, in <see cref="CreatedTokenDto"/>.</summary>
internal sealed record TokenDto(string Id, string Name, string Role, DateTimeOffset Created, DateTimeOffset? Revoked);

/// <summary>A new token, with its secret — the only time the secret is ever shown.</summary>
internal sealed record CreatedTokenDto(string Id, string Name, string Role, string Token);
