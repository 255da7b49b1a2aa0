namespace Outpost.Cloud.Rollouts;

/// <summary>Rollouts and their audit log, in the store (so the engine resumes after a restart).</summary>
internal interface IRolloutStore
{
    Task CreateAsync(Rollout rollout, CancellationToken cancellationToken);

    /// <summary>Saves a new snapshot. Called before the snapshot's commands are sent.</summary>
    Task SaveAsync(Rollout rollout, CancellationToken cancellationToken);

    Task<Rollout?> GetAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Rollout>> ListAsync(string? productId, bool activeOnly, CancellationToken cancellationToken);

    Task AuditAsync(RolloutAuditEntry entry, CancellationToken cancellationToken);

    Task<IReadOnlyList<RolloutAuditEntry>> ReadAuditAsync(string productId, string? rolloutId, CancellationToken cancellationToken);
}
