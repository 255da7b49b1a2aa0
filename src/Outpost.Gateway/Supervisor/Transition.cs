namespace Outpost.Gateway.Supervisor;

/// <summary>What one event did to a <see cref="ProcessMachine"/>.</summary>
/// <param name="Machine">The machine after the event.</param>
/// <param name="Entered">The states entered, in order (empty when the state did not change). Usually one; two when the
/// machine passes through a state, as supervisord does: BACKOFF then FATAL, or EXITED then STARTING.</param>
/// <param name="Actions">The effects to carry out, in order.</param>
/// <param name="Rejected">Why an operator request was refused (e.g. "already started"), or <see langword="null"/>.</param>
internal sealed record Transition(
    ProcessMachine Machine,
    IReadOnlyList<ProcessState> Entered,
    IReadOnlyList<ProcessAction> Actions,
    string? Rejected = null);
