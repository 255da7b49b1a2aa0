namespace Outpost.Cloud.Rollouts;

/// <summary>One input to the rollout machine.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Serial">The device, for device inputs.</param>
/// <param name="Status">fetch_status <c>status</c>, or the app's state in engine_report (<c>RUNNING</c>, …).</param>
/// <param name="Version">The app version in engine_report.</param>
/// <param name="Restarts">The app's restart count in engine_report.</param>
/// <param name="Reason">A person's reason (abort, cancel) or fetch_status detail.</param>
/// <param name="Unchanged">fetch_status said the command changed nothing (the version was already current).</param>
/// <param name="Rollback">The fetch_status answers the rollout's rollback command, not its install: only such an answer
/// says how a rollback went (a late failure of the install, after an abort, is not a failed rollback).</param>
internal sealed record RolloutInput(
    RolloutInputKind Kind,
    string? Serial = null,
    string? Status = null,
    string? Version = null,
    int? Restarts = null,
    string? Reason = null,
    bool Unchanged = false,
    bool Rollback = false);
