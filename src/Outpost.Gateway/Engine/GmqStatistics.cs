using Outpost.Device;
using Outpost.Gateway.Queue;
using Outpost.Gateway.Queue.Forwarding;

namespace Outpost.Gateway.Engine;

/// <summary>
/// An <see cref="IGmqStatistics"/> over delegates, e.g. <c>new GmqStatistics(() =&gt; queue.Statistics, link.Bandwidth, link.Snapshot)</c>.
/// </summary>
internal sealed class GmqStatistics(
    Func<QueueStatistics?> read,
    Func<IReadOnlyDictionary<string, BandwidthUsage>?>? bandwidth = null,
    Func<LinkStatistics?>? link = null) : IGmqStatistics
{
    public QueueStatistics? Current => read();

    public LinkStatistics? Link => link?.Invoke();

    public IReadOnlyDictionary<string, BandwidthUsage>? Bandwidth => bandwidth?.Invoke();
}
