namespace Outpost.Protocol.Reports;

/// <summary>One request source's traffic in <c>usage_report</c>.</summary>
/// <param name="Requests">Requests sent.</param>
/// <param name="BytesSent">Bytes sent.</param>
/// <param name="BytesReceived">Bytes received.</param>
public sealed record SourceTraffic(long Requests, long BytesSent, long BytesReceived);
