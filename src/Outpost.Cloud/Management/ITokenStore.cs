namespace Outpost.Cloud.Management;

/// <summary>Management API tokens, hashed at rest.</summary>
internal interface ITokenStore
{
    Task AddAsync(ApiToken token, string tokenHash, CancellationToken cancellationToken);

    ValueTask<ApiToken?> FindByHashAsync(string tokenHash, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiToken>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Revokes an active token unless it is the last active admin token: the check and the revoke are one step, so
    /// concurrent revokes can never leave no admin.
    /// </summary>
    Task<TokenRevocation> RevokeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    Task<int> CountActiveAsync(CancellationToken cancellationToken);
}
