using System.Globalization;
using Outpost.Gateway.Queue;
using Outpost.Gateway.Queue.Forwarding;
using Outpost.Gateway.Supervisor;

namespace Outpost.Gateway.Control;

/// <summary>
/// The description column of <c>gmq</c> in <c>gwe status</c>: besides pid and uptime, what a person checking a gateway
/// in an outage wants at a glance — how much is waiting, whether the cloud is reachable (and since when), what was
/// dropped (by reason), dead letters.
/// </summary>
internal static class GmqDescription
{
    public static string Of(int pid, TimeSpan uptime, QueueStatistics? queue, LinkStatistics? link, DateTimeOffset now)
    {
        var text = $"pid {pid}, uptime {StatusText.Uptime(uptime)}";
        if (queue is null)
        {
            return text;
        }

        text += string.Create(CultureInfo.InvariantCulture, $", {queue.Depth:N0} queued");
        if (link is { State: "down" })
        {
            text += ", cloud unreachable" + (link.ChangedAtMs is { } since
                ? " for " + StatusText.Uptime(now - DateTimeOffset.FromUnixTimeMilliseconds(since))
                : string.Empty);
        }

        if (link is { HeldDevices: > 0 and var held })
        {
            text += string.Create(CultureInfo.InvariantCulture, $", {held} device{(held == 1 ? string.Empty : "s")} held back by the cloud's rate limit (429)");
        }

        if (queue.Dropped > 0)
        {
            // Only the reasons that happened: "3 dropped (ttl 1, purged 2)".
            var reasons = queue.DroppedBy.Where(r => r.Value > 0).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key} {r.Value:N0}"));
            text += string.Create(CultureInfo.InvariantCulture, $", {queue.Dropped:N0} dropped ({string.Join(", ", reasons)})");
        }

        if (queue.DeadLetters > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", {queue.DeadLetters:N0} dead letters (gwe gmq dead-letters)");
        }

        return text;
    }
}
