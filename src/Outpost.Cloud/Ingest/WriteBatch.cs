using Outpost.Cloud.Stream;

namespace Outpost.Cloud.Ingest;

/// <summary>
/// What one request writes for one device: its points, and for the idempotent batch endpoint a client message id
/// per point (the same index), so a retried batch is acknowledged without storing anything twice.
/// </summary>
internal sealed record WriteBatch(
    string ProductId,
    long DeviceId,
    IReadOnlyList<ValuePoint> Points,
    string Kind,
    WriteSource Source,
    IReadOnlyList<string>? MessageIds = null);
