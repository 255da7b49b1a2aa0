namespace Outpost.Cloud.Rollouts;

/// <summary>What the engine must do after a step: write an install or rollback command to a device's engine_fetch.</summary>
/// <param name="Kind">Install or rollback.</param>
/// <param name="Serial">The device.</param>
internal sealed record RolloutAction(RolloutActionKind Kind, string Serial);
