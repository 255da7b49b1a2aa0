namespace Outpost.Protocol.Reports;

/// <summary>One network interface in <c>device_info</c>.</summary>
/// <param name="Name">The interface name (<c>eth0</c>).</param>
/// <param name="Mac">Its MAC address, upper case with colons, or empty.</param>
/// <param name="Addresses">Its unicast addresses.</param>
public sealed record InterfaceInfo(string Name, string Mac, IReadOnlyList<string> Addresses);
