using Outpost.Gateway.Queue;

namespace Outpost.Gateway.Engine;

/// <summary>An <see cref="IGmqStatistics"/> over a delegate, e.g. <c>new GmqStatistics(() =&gt; queue.Statistics)</c>.</summary>
internal sealed class GmqStatistics(Func<QueueStatistics?> read) : IGmqStatistics
{
    public QueueStatistics? Current => read();
}
