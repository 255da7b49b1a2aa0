using Outpost.Device;
using Outpost.Gateway.Queue;

namespace Outpost.Gateway.Engine;

/// <summary>
/// An <see cref="IGmqStatistics"/> over delegates, e.g. <c>new GmqStatistics(() =&gt; queue.Statistics, link.Bandwidth)</c>.
/// </summary>
internal sealed class GmqStatistics(Func<QueueStatistics?> read, Func<IReadOnlyDictionary<string, BandwidthUsage>?>? bandwidth = null) : IGmqStatistics
{
    public QueueStatistics? Current => read();

    public IReadOnlyDictionary<string, BandwidthUsage>? Bandwidth => bandwidth?.Invoke();
}
