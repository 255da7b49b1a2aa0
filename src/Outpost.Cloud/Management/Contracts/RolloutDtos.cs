namespace Outpost.Cloud.Management.Contracts;

/// <summary>Body of <c>POST /api/v1/products/{pid}/rollouts</c>.</summary>
internal sealed record CreateRolloutRequest(
    string? Artifact,
    IReadOnlyDictionary<string, string>? TargetTags = null,
    IReadOnlyList<string>? Serials = null,
    string? Waves = null,
    string? Soak = null,
    string? PauseAt = null,
    string? AbortAt = null,
    string? Timeout = null,
    int? MaxInFlight = null,
    bool? Rollback = null,
    bool? ApproveBetweenWaves = null,
    string? SkipStaging = null);

/// <summary>Body of the rollout actions (pause, resume, approve, abort, cancel): an optional reason.</summary>
internal sealed record RolloutActionRequest(string? Reason = null);

/// <summary>One wave's progress.</summary>
internal sealed record WaveDto(int Wave, int Devices, IReadOnlyDictionary<string, int> States);

/// <summary>One device's progress.</summary>
internal sealed record RolloutDeviceDto(string Serial, int Wave, string State, DateTimeOffset? CommandedAt, string? Reason);

/// <summary>A rollout as the API shows it.</summary>
internal sealed record RolloutDto(
    string Id,
    string ProductId,
    string Artifact,
    string Sha256,
    string App,
    string Version,
    string Target,
    string Waves,
    string Status,
    int Wave,
    int WaveCount,
    string? Reason,
    IReadOnlyDictionary<string, int> States,
    IReadOnlyList<WaveDto> PerWave,
    string Soak,
    double PauseAt,
    double AbortAt,
    string Timeout,
    int MaxInFlight,
    bool Rollback,
    bool ApproveBetweenWaves,
    string CreatedBy,
    DateTimeOffset Created,
    DateTimeOffset Updated,
    string? SkipStaging,
    IReadOnlyList<RolloutDeviceDto>? Devices);

/// <summary>An audit log line.</summary>
internal sealed record AuditDto(string RolloutId, string Actor, string Action, string Detail, DateTimeOffset At);
