namespace Outpost.Cloud.Management.Contracts;

/// <summary>Answer of <c>GET /api/v1/products/{pid}/fleet</c>: the fleet at a glance, then one row per gateway.</summary>
internal sealed record FleetDto(FleetSummaryDto Summary, IReadOnlyList<FleetGatewayDto> Gateways);

/// <summary>Counts over the listed gateways: connectivity, engine versions, app versions and states, failed commands.</summary>
/// <param name="Gateways">Gateways listed.</param>
/// <param name="Online">Seen within the offline threshold.</param>
/// <param name="Offline">Seen before, but not within the threshold.</param>
/// <param name="Never">Never seen (not activated, or activated and silent since).</param>
/// <param name="OfflineAfterSeconds">The threshold used.</param>
/// <param name="EngineVersions">gwe version → gateways running it (from engine_report).</param>
/// <param name="Apps">Per app, version and supervisor state: how many gateways.</param>
/// <param name="LastCommandFailed">Gateways whose last engine_fetch command failed, was rolled back or was rejected.</param>
/// <param name="Unreadable">Gateways with a report gwe would not have written (see each row's problems).</param>
internal sealed record FleetSummaryDto(
    int Gateways,
    int Online,
    int Offline,
    int Never,
    long OfflineAfterSeconds,
    IReadOnlyDictionary<string, int> EngineVersions,
    IReadOnlyList<FleetAppCountDto> Apps,
    int LastCommandFailed,
    int Unreadable);

/// <summary>How many gateways run <paramref name="App"/> at <paramref name="Version"/> in <paramref name="Status"/>.</summary>
internal sealed record FleetAppCountDto(string App, string Version, string Status, int Gateways);

/// <summary>One gateway as its latest reports describe it.</summary>
/// <param name="Serial">The device's serial.</param>
/// <param name="Status">Registry status: notactivated, activated, disabled.</param>
/// <param name="Connectivity">online, offline or never.</param>
/// <param name="LastSeen">When it last called the device API.</param>
/// <param name="Tags">The device's tags.</param>
/// <param name="EngineVersion">gwe's version from engine_report (null before the first report).</param>
/// <param name="ReportedAt">When engine_report was last written.</param>
/// <param name="Apps">Hosted apps from engine_report.</param>
/// <param name="Os">OS name and version from device_info.</param>
/// <param name="Disk">The fullest filesystem from usage_report (device_info when no usage report yet).</param>
/// <param name="Gmq">GMQ's queue from engine_report, when the gateway hosts GMQ.</param>
/// <param name="LastCommand">The last engine_fetch command's outcome from fetch_status.</param>
/// <param name="Problems">Reports that could not be read, each in one line.</param>
internal sealed record FleetGatewayDto(
    string Serial,
    string Status,
    string Connectivity,
    DateTimeOffset? LastSeen,
    IReadOnlyDictionary<string, string> Tags,
    string? EngineVersion,
    DateTimeOffset? ReportedAt,
    IReadOnlyList<FleetAppDto> Apps,
    string? Os,
    FleetDiskDto? Disk,
    FleetQueueDto? Gmq,
    FleetCommandDto? LastCommand,
    IReadOnlyList<string> Problems);

/// <summary>One hosted app.</summary>
internal sealed record FleetAppDto(string Name, string Version, string Status, int Restarts);

/// <summary>A filesystem's use.</summary>
internal sealed record FleetDiskDto(string Mount, double UsedPercent, long Free);

/// <summary>GMQ's backlog on the gateway.</summary>
internal sealed record FleetQueueDto(long Depth, long OldestAge, long Dropped, long DeadLetters);

/// <summary>The outcome of the last engine_fetch command.</summary>
internal sealed record FleetCommandDto(string? Command, string? Name, string Status, string? Reason, DateTimeOffset? Finished);
