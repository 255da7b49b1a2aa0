namespace Outpost.Cloud.Rollouts;

/// <summary>A rollout's whole state: what the engine persists after every step, and resumes from after a restart.</summary>
/// <param name="Status">Where the rollout is.</param>
/// <param name="Wave">The current wave (0-based).</param>
/// <param name="WaveCount">How many waves there are.</param>
/// <param name="Devices">Every target device, in the rollout's stable order.</param>
/// <param name="AcknowledgedFailures">Failures of the current wave a person has seen and resumed past.</param>
/// <param name="Reason">Why it paused, aborted or was cancelled.</param>
/// <param name="AppliedOffset">The event stream offset this snapshot has seen every event up to. The consumer commits
/// its offset after the snapshot is saved, so after a crash it hands the engine some events again; those at or below
/// this offset are skipped — replaying an old report against a newer state would judge a device on stale news.</param>
internal sealed record RolloutSnapshot(
    RolloutStatus Status,
    int Wave,
    int WaveCount,
    IReadOnlyList<RolloutDevice> Devices,
    int AcknowledgedFailures = 0,
    string? Reason = null,
    long AppliedOffset = 0);
