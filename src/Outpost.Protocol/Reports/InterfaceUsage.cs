namespace Outpost.Protocol.Reports;

/// <summary>One network interface's counters in <c>usage_report</c>.</summary>
/// <param name="RxBytes">Bytes received since boot.</param>
/// <param name="TxBytes">Bytes sent since boot.</param>
/// <param name="RxSinceLast">Bytes received since the last report.</param>
/// <param name="TxSinceLast">Bytes sent since the last report.</param>
public sealed record InterfaceUsage(long RxBytes, long TxBytes, long RxSinceLast, long TxSinceLast);
