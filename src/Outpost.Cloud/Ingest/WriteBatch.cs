namespace Outpost.Cloud.Ingest;

/// <summary>
/// What one request writes for one device: its points, and for the idempotent batch endpoint a client message id
/// per point (the same index), so a retried batch is acknowledged without storing anything twice.
/// </summary>
internal sealed record WriteBatch(long DeviceId, IReadOnlyList<ValuePoint> Points, IReadOnlyList<string>? MessageIds = null);
