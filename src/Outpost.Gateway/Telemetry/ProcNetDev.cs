using System.Globalization;

namespace Outpost.Gateway.Telemetry;

/// <summary>
/// Parses <c>/proc/net/dev</c> (pure): two header lines, then <c>iface: rx_bytes rx_packets … (8 rx fields)
/// tx_bytes …</c>. Malformed lines are skipped, never fatal: the report goes out with what could be read.
/// </summary>
internal static class ProcNetDev
{
    /// <summary>The counters of every interface in <paramref name="text"/>, in file order.</summary>
    public static IReadOnlyList<NetDevCounters> Parse(string text)
    {
        var result = new List<NetDevCounters>();
        foreach (var raw in text.Split('\n'))
        {
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = raw[..colon].Trim();
            var fields = raw[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (name.Length == 0 || fields.Length < 9
                || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var rx)
                || !long.TryParse(fields[8], NumberStyles.None, CultureInfo.InvariantCulture, out var tx))
            {
                continue;
            }

            result.Add(new NetDevCounters(name, rx, tx));
        }

        return result;
    }

    /// <summary>
    /// Bytes since the previous reading; a counter that went down (wrap, driver reload, reboot) counts from zero.
    /// </summary>
    public static (long Rx, long Tx) Since(NetDevCounters current, NetDevCounters? previous) =>
        previous is null ? (0, 0)
        : (current.RxBytes >= previous.RxBytes ? current.RxBytes - previous.RxBytes : current.RxBytes,
           current.TxBytes >= previous.TxBytes ? current.TxBytes - previous.TxBytes : current.TxBytes);
}
