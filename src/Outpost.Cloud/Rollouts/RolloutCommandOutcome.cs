namespace Outpost.Cloud.Rollouts;

/// <summary>What an operator's command did, decided under the engine's lock.</summary>
/// <param name="Rollout">The rollout after the command, or as the engine found it when it refused it.</param>
/// <param name="Applied">Whether the command applied; when not, nothing changed and nothing was audited.</param>
internal sealed record RolloutCommandOutcome(Rollout Rollout, bool Applied);
