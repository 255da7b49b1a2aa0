using Outpost.Cloud.Stream;

namespace Outpost.Cloud.Management.Contracts;

/// <summary>A page of <c>GET /api/v1/products/{pid}/events</c>: the events after the offset asked, and where to go on.</summary>
/// <param name="Events">In offset order.</param>
/// <param name="Next">The offset to pass as <c>after</c> next time.</param>
internal sealed record EventPageDto(IReadOnlyList<DeviceEvent> Events, long Next);

/// <summary>Answer of <c>GET /api/v1/health</c>.</summary>
internal sealed record HealthDto(string Status, string Version);
