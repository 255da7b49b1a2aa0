using System.Globalization;
using System.Text;

namespace Outpost.Gateway.Supervisor;

/// <summary>supervisorctl's status wording and layout, as pure functions.</summary>
internal static class StatusText
{
    /// <summary>The description column, worded as supervisorctl words it.</summary>
    public static string Describe(
        ProcessState state, string name, int? pid, TimeSpan uptime, DateTimeOffset? startedAt, DateTimeOffset? stoppedAt, string? spawnError, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return state switch
        {
            ProcessState.Running => $"pid {pid}, uptime {Uptime(uptime)}",
            ProcessState.Backoff or ProcessState.Fatal => spawnError ?? $"unknown error (try \"tail {name}\")",
            ProcessState.Stopped or ProcessState.Exited => startedAt is null || stoppedAt is null
                ? "Not started"
                : TimeZoneInfo.ConvertTime(stoppedAt.Value, zone).ToString("MMM dd hh:mm tt", CultureInfo.InvariantCulture),
            _ => string.Empty,
        };
    }

    /// <summary>Python's <c>str(timedelta)</c> of whole seconds: <c>0:00:20</c>, <c>1 day, 2:03:04</c>.</summary>
    public static string Uptime(TimeSpan t)
    {
        var s = (long)Math.Max(0, Math.Floor(t.TotalSeconds));
        var days = s / 86400;
        var rest = s % 86400;
        var clock = string.Create(CultureInfo.InvariantCulture, $"{rest / 3600}:{rest % 3600 / 60:00}:{rest % 60:00}");
        return days switch
        {
            0 => clock,
            1 => "1 day, " + clock,
            _ => string.Create(CultureInfo.InvariantCulture, $"{days} days, {clock}"),
        };
    }

    /// <summary>The lines of <c>supervisorctl status</c>: name padded to 32 (wider when a name is longer), state to 10.</summary>
    public static string Table(IEnumerable<ProgramStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var list = statuses.ToList();
        var width = Math.Max(32, list.Count == 0 ? 0 : list.Max(s => s.Name.Length));
        var sb = new StringBuilder();
        foreach (var s in list)
        {
            var state = s.State.ToString().ToUpperInvariant();
            sb.Append(s.Name.PadRight(width)).Append(' ').Append(state.PadRight(10)).Append(' ').Append(s.Description).Append('\n');
        }

        return sb.ToString();
    }
}
