namespace Outpost.Protocol.Reports;

/// <summary>One app identity's traffic through GMQ in <c>usage_report</c>: since the last report, and since gwe started.</summary>
/// <param name="Requests">Requests to the cloud since the last report.</param>
/// <param name="BytesSent">Bytes sent (up) since the last report, HTTP headers included.</param>
/// <param name="BytesReceived">Bytes received (down) since the last report, HTTP headers included.</param>
/// <param name="TotalRequests">Requests since gwe started.</param>
/// <param name="TotalBytesSent">Bytes sent since gwe started.</param>
/// <param name="TotalBytesReceived">Bytes received since gwe started.</param>
public sealed record AppTraffic(
    long Requests,
    long BytesSent,
    long BytesReceived,
    long TotalRequests,
    long TotalBytesSent,
    long TotalBytesReceived);
