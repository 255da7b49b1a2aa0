namespace Outpost.Cloud.Rollouts;

/// <summary>One device's progress in a rollout.</summary>
/// <param name="Serial">The device.</param>
/// <param name="Wave">Its wave (0-based), or -1 when the waves do not reach it.</param>
/// <param name="State">Where it is.</param>
/// <param name="CommandedAt">When its install command was written.</param>
/// <param name="HealthySince">Since when it reports the new version RUNNING (the soak clock).</param>
/// <param name="BaselineRestarts">The app's restart count in the first healthy report; any increase fails the soak.</param>
/// <param name="Reason">Why it failed, timed out or was rolled back.</param>
/// <param name="Installed">Whether it reported the new version installed: a failure after that leaves it on the bad
/// version (it needs a rollback, and counts toward abort); a failed install it undid itself only counts toward pause.</param>
/// <param name="AlreadyOnTarget">Its install changed nothing: it ran the new version before the rollout, so it is never rolled back.</param>
/// <param name="PreviousVersion">The app version it ran before the rollout (its last report then), when known: a rollback is
/// confirmed only by that version RUNNING. Unknown, any version but the new one confirms it.</param>
/// <param name="Answered">It answered a command of this rollout (install or rollback) at least once: one that never did
/// was not reached, whatever else timed out.</param>
/// <param name="UnhealthyReports">Unhealthy reports in a row while soaking; the second fails the device (one may be stale).</param>
internal sealed record RolloutDevice(
    string Serial,
    int Wave,
    DeviceRolloutState State = DeviceRolloutState.Pending,
    DateTimeOffset? CommandedAt = null,
    DateTimeOffset? HealthySince = null,
    int? BaselineRestarts = null,
    string? Reason = null,
    bool Installed = false,
    int UnhealthyReports = 0,
    bool AlreadyOnTarget = false,
    string? PreviousVersion = null,
    bool Answered = false)
{
    public bool InFlight => State is DeviceRolloutState.Commanded or DeviceRolloutState.Installing or DeviceRolloutState.Soaking;

    public bool Bad => State is DeviceRolloutState.Failed or DeviceRolloutState.TimedOut;

    /// <summary>Failed while running the new version, or timed out after answering its install (so it may run it):
    /// counts toward abort. A device that never answered is <see cref="DeviceRolloutState.NotReached"/>, not this.</summary>
    public bool Harmful => (State == DeviceRolloutState.Failed && Installed) || State == DeviceRolloutState.TimedOut;

    public bool Done => State is DeviceRolloutState.Succeeded or DeviceRolloutState.Failed or DeviceRolloutState.TimedOut or DeviceRolloutState.NotReached
        or DeviceRolloutState.Stopped;
}
