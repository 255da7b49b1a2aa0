using Outpost.Device;
using Outpost.Gateway.Queue.Forwarding;

namespace Outpost.Gateway.Queue.Http;

/// <summary>The body of <c>GET /status</c>: queue statistics, the cloud link, and bandwidth per device key.</summary>
internal sealed record GmqStatus(QueueStatistics Queue, LinkStatistics Link, IReadOnlyDictionary<string, BandwidthUsage> Bandwidth);
