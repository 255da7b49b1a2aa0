namespace Outpost.Protocol.Reports;

/// <summary>
/// GMQ's traffic with the cloud in <c>usage_report</c>: what forwarding, activations and passed-through reads of each
/// app identity cost on the gateway's link.
/// </summary>
/// <param name="Apps">Per app identity (GMQ's device key: <c>cik:&lt;16 hex of sha256(cik)&gt;</c> or
/// <c>vms:&lt;vendor&gt; &lt;model&gt; &lt;serial&gt;</c>).</param>
/// <param name="BytesSent">Sum over the apps since the last report (up: gateway → cloud).</param>
/// <param name="BytesReceived">Sum over the apps since the last report (down: cloud → gateway).</param>
/// <param name="TotalBytesSent">Sum over the apps since gwe started.</param>
/// <param name="TotalBytesReceived">Sum over the apps since gwe started.</param>
public sealed record GmqTraffic(
    IReadOnlyDictionary<string, AppTraffic> Apps,
    long BytesSent,
    long BytesReceived,
    long TotalBytesSent,
    long TotalBytesReceived);
