namespace Outpost.Cloud.Simulator;

/// <summary>Where a simulated gateway's connection stands, for the live summary.</summary>
internal enum GatewayPhase
{
    /// <summary>Not started yet (the start ramp).</summary>
    Waiting,

    /// <summary>Activating its serial.</summary>
    Activating,

    /// <summary>Activated, polling engine_fetch and reporting.</summary>
    Online,

    /// <summary>Running an install (its latency).</summary>
    Installing,

    /// <summary>In an offline spell: no polls, no reports.</summary>
    Offline,

    /// <summary>Gave up: activation refused (serial already activated, or not allowed).</summary>
    Failed,
}
