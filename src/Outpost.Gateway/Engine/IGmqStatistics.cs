using Outpost.Device;
using Outpost.Gateway.Queue;
using Outpost.Gateway.Queue.Forwarding;

namespace Outpost.Gateway.Engine;

/// <summary>
/// Where engine_report's <c>gmq</c> object and usage_report's <c>gmq</c> traffic come from. The daemon host registers
/// one over its <c>MessageQueue</c> and GMQ's cloud link; without one the reports have no <c>gmq</c>.
/// </summary>
internal interface IGmqStatistics
{
    /// <summary>The queue's statistics now, or null when GMQ is not running.</summary>
    QueueStatistics? Current { get; }

    /// <summary>GMQ's cloud link (state, down time, last error), or null when GMQ is not running.</summary>
    LinkStatistics? Link => null;

    /// <summary>GMQ's cloud traffic per app identity (device key) since gwe started, or null when GMQ is not running.</summary>
    IReadOnlyDictionary<string, BandwidthUsage>? Bandwidth => null;
}
