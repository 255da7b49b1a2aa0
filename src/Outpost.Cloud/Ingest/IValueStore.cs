namespace Outpost.Cloud.Ingest;

/// <summary>
/// Time series per device and alias, plus each series' latest value. The seam between the write path and its store:
/// SQLite by default, PostgreSQL (partitioned tables) at scale.
/// </summary>
internal interface IValueStore
{
    /// <summary>
    /// Commits every batch in one durable transaction. Only the write path's single writer calls it.
    /// Returns, per batch, the points actually stored (a message id seen before is skipped).
    /// </summary>
    Task<IReadOnlyList<IReadOnlyList<ValuePoint>>> CommitAsync(IReadOnlyList<WriteBatch> batches, long nowMs, CancellationToken cancellationToken);

    /// <summary>
    /// The offset of the newest event in the store as of the last <see cref="CommitAsync"/> (read inside its
    /// transaction): that commit's events, one per stored point in batch order, end there.
    /// </summary>
    long LastEventOffset { get; }

    /// <summary>
    /// The latest value of each of <paramref name="aliases"/> (those without any left out): the newest point of the
    /// series; of equal timestamps the one stored last. The same as one device's page of <see cref="ReadLatestManyAsync"/>.
    /// </summary>
    Task<IReadOnlyDictionary<string, StoredValue>> ReadLatestAsync(long deviceId, IReadOnlyCollection<string> aliases, CancellationToken cancellationToken);

    /// <summary>
    /// The latest value of each of <paramref name="aliases"/> for each of <paramref name="deviceIds"/> (devices without
    /// any left out): one read for a page of devices, as the fleet view needs for thousands of gateways.
    /// </summary>
    Task<IReadOnlyDictionary<long, IReadOnlyDictionary<string, StoredValue>>> ReadLatestManyAsync(IReadOnlyList<long> deviceIds, IReadOnlyCollection<string> aliases, CancellationToken cancellationToken);

    /// <summary>Points of one series, newest first, within [from, to] (epoch ms, inclusive).</summary>
    Task<IReadOnlyList<StoredValue>> ReadHistoryAsync(long deviceId, string alias, long fromMs, long toMs, int limit, CancellationToken cancellationToken);
}
