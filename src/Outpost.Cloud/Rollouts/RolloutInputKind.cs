namespace Outpost.Cloud.Rollouts;

/// <summary>What happened to a rollout.</summary>
internal enum RolloutInputKind
{
    /// <summary>Begin with wave 0.</summary>
    Start,

    /// <summary>Time passed: dispatch, timeouts, soak, wave progress.</summary>
    Tick,

    /// <summary>A device's <c>fetch_status</c> for this rollout's command.</summary>
    FetchStatus,

    /// <summary>A device's <c>engine_report</c> entry for the rollout's app.</summary>
    EngineReport,

    /// <summary>A device joined the target while the rollout runs (a new tag, say).</summary>
    DeviceJoined,

    Pause,
    Resume,
    Approve,
    Abort,
    Cancel,
}
