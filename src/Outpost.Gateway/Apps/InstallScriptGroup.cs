using System.Globalization;
using System.Text;
using Outpost.Gateway.Supervisor;
using Outpost.Gateway.Supervisor.Hosting;

namespace Outpost.Gateway.Apps;

/// <summary>
/// An install.sh's process group: the runner starts install.sh through <c>setsid</c>, so the script and everything it
/// starts share one group whose id is the script's pid, and the pipeline journals that id. A <c>kill -9</c> of gwe
/// orphans the group (nothing kills it with gwe); at start-up, the recovery ends it here before it undoes the install,
/// so a script that was mid-way cannot go on changing the gateway after the undo.
/// </summary>
/// <remarks>
/// Pids are reused, so the group is killed only when one of its members still carries the interrupted install's
/// <c>APP_NAME</c> and <c>APP_VERSION</c> in its environment (<c>/proc/PID/environ</c>). While any member lives, the
/// kernel does not hand the group id to anyone else, so one such member proves the whole group is the script's.
/// </remarks>
internal static class InstallScriptGroup
{
    /// <summary>Kills the group <paramref name="pgid"/> if it is still the install.sh of <paramref name="app"/> <paramref name="version"/>; returns whether it did.</summary>
    public static bool KillIfLeft(int pgid, string app, string version)
    {
        if (pgid <= 1 || !Directory.Exists("/proc"))
        {
            return false;
        }

        var marks = new[] { $"APP_NAME={app}\0", $"APP_VERSION={version}\0" };
        foreach (var member in Members(pgid))
        {
            var environ = ReadEnviron(member);
            if (environ is not null && marks.All(m => environ.Contains(m, StringComparison.Ordinal)))
            {
                return Native.Signal(pgid, UnixSignal.Kill, group: true);
            }
        }

        return false;
    }

    /// <summary>
    /// Kills every process group that still runs the install.sh of <paramref name="app"/> <paramref name="version"/>
    /// for the gwe home <paramref name="home"/>, found by environment; returns the groups killed.
    /// </summary>
    /// <remarks>
    /// For a kill that came before the group was journalled: the script runs from the moment it is spawned, and its
    /// group id reaches the journal a moment later, so a <c>kill -9</c> in between leaves a journal without it.
    /// </remarks>
    public static IReadOnlyList<int> KillAllLeft(string app, string version, string home)
    {
        var killed = new List<int>();
        if (!Directory.Exists("/proc"))
        {
            return killed;
        }

        var marks = new[] { $"\0APP_NAME={app}\0", $"\0APP_VERSION={version}\0", $"\0GWE_HOME={home}\0" };
        foreach (var (pid, group) in Processes())
        {
            if (group > 1 && !killed.Contains(group) && ReadEnviron(pid) is { } environ
                && marks.All(m => ("\0" + environ).Contains(m, StringComparison.Ordinal)) && Native.Signal(group, UnixSignal.Kill, group: true))
            {
                killed.Add(group);
            }
        }

        return killed;
    }

    /// <summary>The pids whose process group is <paramref name="pgid"/> (from <c>/proc/PID/stat</c>).</summary>
    private static IEnumerable<int> Members(int pgid) => Processes().Where(p => p.Group == pgid).Select(p => p.Pid);

    /// <summary>Every live (not zombie) process with its process group, from <c>/proc/PID/stat</c>.</summary>
    private static IEnumerable<(int Pid, int Group)> Processes()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Join(dir, "stat"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // gone meanwhile, or not ours to read
            }

            // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so parse after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 2 && fields[0] != "Z" && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var group))
            {
                yield return (pid, group);
            }
        }
    }

    private static string? ReadEnviron(int pid)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
