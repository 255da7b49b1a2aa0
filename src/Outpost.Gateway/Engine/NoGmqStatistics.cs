using Outpost.Gateway.Queue;

namespace Outpost.Gateway.Engine;

/// <summary>The <see cref="IGmqStatistics"/> of an engine that hosts no GMQ.</summary>
internal sealed class NoGmqStatistics : IGmqStatistics
{
    public QueueStatistics? Current => null;
}
