namespace Outpost.Protocol.Reports;

/// <summary>One mounted filesystem, in <c>usage_report</c> and <c>device_info</c>.</summary>
/// <param name="Mount">The mount point.</param>
/// <param name="Total">Size in bytes.</param>
/// <param name="Used">Bytes used.</param>
/// <param name="Free">Bytes available.</param>
public sealed record DiskUsage(string Mount, long Total, long Used, long Free);
