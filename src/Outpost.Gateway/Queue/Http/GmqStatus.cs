using Outpost.Device;
using Outpost.Gateway.Queue.Forwarding;

namespace Outpost.Gateway.Queue.Http;

/// <summary>
/// The body of <c>GET /status</c>: queue statistics, the cloud link, bandwidth per device key, and the devices held back
/// after a 429 (per device key).
/// </summary>
internal sealed record GmqStatus(
    QueueStatistics Queue,
    LinkStatistics Link,
    IReadOnlyDictionary<string, BandwidthUsage> Bandwidth,
    IReadOnlyDictionary<string, DeviceHold> Held);
