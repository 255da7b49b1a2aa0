namespace Outpost.Cloud.Management;

/// <summary>What <see cref="ITokenStore.RevokeAsync"/> did.</summary>
internal enum TokenRevocation
{
    /// <summary>The token was active and is now revoked.</summary>
    Revoked,

    /// <summary>No active token has that id; nothing changed.</summary>
    NotFound,

    /// <summary>The token is the last active admin token; refused, nothing changed.</summary>
    LastAdmin,
}
