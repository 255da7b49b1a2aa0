using Microsoft.Extensions.DependencyInjection;
using Outpost.Cloud.Rollouts;
using Outpost.Cloud.Storage;

namespace Outpost.Cloud.Tests.Rollouts;

/// <summary>
/// The real SQLite rollout store with one hook: <see cref="AfterNextRead"/> runs once, right after the next read of a
/// rollout, so a test can move the rollout between a caller's read and its next step — what the ticker or another
/// operator may do at any moment, made certain instead of left to timing.
/// </summary>
internal sealed class InterleavingRolloutStore(IRolloutStore inner) : IRolloutStore
{
    private Func<Task>? _afterNextRead;

    public Func<Task>? AfterNextRead
    {
        get => Volatile.Read(ref _afterNextRead);
        set => Volatile.Write(ref _afterNextRead, value);
    }

    /// <summary>Puts this store in place of the node's own.</summary>
    public static void Register(IServiceCollection services) =>
        services.AddSingleton<IRolloutStore>(sp => new InterleavingRolloutStore(ActivatorUtilities.CreateInstance<SqliteRolloutStore>(sp)));

    public async Task<Rollout?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var rollout = await inner.GetAsync(id, cancellationToken);
        if (Interlocked.Exchange(ref _afterNextRead, null) is { } hook)
        {
            await hook();
        }

        return rollout;
    }

    public Task CreateAsync(Rollout rollout, CancellationToken cancellationToken) => inner.CreateAsync(rollout, cancellationToken);

    public Task SaveAsync(Rollout rollout, CancellationToken cancellationToken) => inner.SaveAsync(rollout, cancellationToken);

    public Task<IReadOnlyList<Rollout>> ListAsync(string? productId, bool activeOnly, CancellationToken cancellationToken) =>
        inner.ListAsync(productId, activeOnly, cancellationToken);

    public Task AuditAsync(RolloutAuditEntry entry, CancellationToken cancellationToken) => inner.AuditAsync(entry, cancellationToken);

    public Task<IReadOnlyList<RolloutAuditEntry>> ReadAuditAsync(string productId, string? rolloutId, CancellationToken cancellationToken) =>
        inner.ReadAuditAsync(productId, rolloutId, cancellationToken);
}
