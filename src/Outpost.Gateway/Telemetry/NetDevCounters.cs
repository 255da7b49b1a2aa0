namespace Outpost.Gateway.Telemetry;

/// <summary>One interface's byte counters from <c>/proc/net/dev</c>.</summary>
/// <param name="Interface">The interface name.</param>
/// <param name="RxBytes">Bytes received since boot.</param>
/// <param name="TxBytes">Bytes sent since boot.</param>
internal sealed record NetDevCounters(string Interface, long RxBytes, long TxBytes);
