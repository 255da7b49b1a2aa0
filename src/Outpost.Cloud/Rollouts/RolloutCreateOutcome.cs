namespace Outpost.Cloud.Rollouts;

/// <summary>What creating a rollout did, decided under the engine's lock.</summary>
/// <param name="Rollout">The new rollout once started; when refused, the active rollout that already holds some of its devices.</param>
/// <param name="Created">Whether it was created; when not, nothing was stored or sent.</param>
/// <param name="Overlap">When refused: how many of the new rollout's devices the active one holds.</param>
internal sealed record RolloutCreateOutcome(Rollout Rollout, bool Created, int Overlap = 0);
