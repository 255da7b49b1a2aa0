namespace Outpost.Cloud.Rollouts;

/// <summary>A rollout as stored: what it installs where, how it is judged, and its current snapshot.</summary>
internal sealed record Rollout(
    string Id,
    string ProductId,
    string Artifact,
    string Sha256,
    string Target,
    string Waves,
    RolloutSettings Settings,
    RolloutSnapshot Snapshot,
    string CreatedBy,
    DateTimeOffset Created,
    DateTimeOffset Updated,
    string? SkipStagingReason);
