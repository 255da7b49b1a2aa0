namespace Outpost.Protocol.Reports;

/// <summary>
/// The <c>device_info</c> value: the seed's keys (<c>uname</c>, <c>df</c>, <c>free</c> as command-style text and
/// <c>ipaddrs</c>) plus structured fields (issue 6). Written by gwe on start and when its stable part changes.
/// </summary>
/// <param name="Uname">Like <c>uname -a</c>.</param>
/// <param name="Df">Like <c>df -k</c>.</param>
/// <param name="Free">Like <c>free -k</c>.</param>
/// <param name="Ipaddrs">Every unicast address of every interface but loopback.</param>
/// <param name="OsName">The distribution's NAME (os-release).</param>
/// <param name="OsVersion">The distribution's VERSION_ID (os-release).</param>
/// <param name="Kernel">The kernel release.</param>
/// <param name="Arch">The machine architecture (x64, arm64, …).</param>
/// <param name="Hostname">The host name.</param>
/// <param name="CpuCount">Logical CPUs.</param>
/// <param name="MemoryTotal">Bytes of RAM.</param>
/// <param name="MemoryFree">Bytes of RAM available.</param>
/// <param name="Disks">Mounted filesystems.</param>
/// <param name="Interfaces">Network interfaces with MAC and addresses.</param>
/// <param name="GweVersion">The engine's version.</param>
/// <param name="GweCommit">The engine's git commit.</param>
/// <param name="DotnetVersion">The .NET runtime version.</param>
/// <param name="BootTime">When the machine booted.</param>
public sealed record DeviceInfo(
    string Uname,
    string Df,
    string Free,
    IReadOnlyList<string> Ipaddrs,
    string OsName,
    string OsVersion,
    string Kernel,
    string Arch,
    string Hostname,
    int CpuCount,
    long MemoryTotal,
    long MemoryFree,
    IReadOnlyList<DiskUsage> Disks,
    IReadOnlyList<InterfaceInfo> Interfaces,
    string GweVersion,
    string GweCommit,
    string DotnetVersion,
    DateTimeOffset? BootTime);
