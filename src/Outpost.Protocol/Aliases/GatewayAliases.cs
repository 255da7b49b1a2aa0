namespace Outpost.Protocol.Aliases;

/// <summary>
/// The six product aliases the gateway engine reads and writes (seed 002, "Murano Product Aliases").
/// One definition shared by gwe, the cloud's <c>gateway</c> product template, the simulator and the rollout engine.
/// </summary>
public static class GatewayAliases
{
    /// <summary>Bandwidth and disk usage, written by gwe every update interval.</summary>
    public const string UsageReport = "usage_report";

    /// <summary>Engine and hosted-app state (JSON), written by gwe every update interval.</summary>
    public const string EngineReport = "engine_report";

    /// <summary>Commands for the engine (install, uninstall, …), written by the cloud and long-polled by gwe.</summary>
    public const string EngineFetch = "engine_fetch";

    /// <summary>Static OS and hardware facts, written by gwe on start and when they change.</summary>
    public const string DeviceInfo = "device_info";

    /// <summary>The report period in seconds; the cloud may write it, gwe writes back what it applied.</summary>
    public const string UpdateInterval = "update_interval";

    /// <summary>The outcome of the last engine_fetch command, written by gwe.</summary>
    public const string FetchStatus = "fetch_status";

    /// <summary>A gateway product's resources: alias, display name, format, and whether the cloud may write it.</summary>
    public static IReadOnlyList<GatewayAlias> All { get; } =
    [
        new(UsageReport, "GatewayEngine Usage", "string", Settable: false),
        new(EngineReport, "Engine Report", "json", Settable: false),
        new(EngineFetch, "Install Apps", "string", Settable: true),
        new(DeviceInfo, "Device Info", "string", Settable: false),
        new(UpdateInterval, "Update Interval", "string", Settable: true),
        new(FetchStatus, "Fetch Status", "string", Settable: false),
    ];
}
