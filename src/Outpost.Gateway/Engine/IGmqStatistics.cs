using Outpost.Gateway.Queue;

namespace Outpost.Gateway.Engine;

/// <summary>
/// Where engine_report's <c>gmq</c> object comes from. The daemon host registers one over its <c>MessageQueue</c>
/// (<c>() =&gt; queue.Statistics</c>); without one the report has no <c>gmq</c>.
/// </summary>
internal interface IGmqStatistics
{
    /// <summary>The queue's statistics now, or null when GMQ is not running.</summary>
    QueueStatistics? Current { get; }
}
