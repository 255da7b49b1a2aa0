namespace Outpost.Cloud.Management;

/// <summary>Management API tokens, hashed at rest.</summary>
internal interface ITokenStore
{
    Task AddAsync(ApiToken token, string tokenHash, CancellationToken cancellationToken);

    ValueTask<ApiToken?> FindByHashAsync(string tokenHash, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiToken>> ListAsync(CancellationToken cancellationToken);

    Task<bool> RevokeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    Task<int> CountActiveAsync(CancellationToken cancellationToken);
}
