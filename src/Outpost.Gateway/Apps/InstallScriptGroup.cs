using System.Globalization;
using System.Text;
using Outpost.Gateway.Supervisor;
using Outpost.Gateway.Supervisor.Hosting;

namespace Outpost.Gateway.Apps;

/// <summary>
/// An install.sh's process group: the runner starts install.sh through <c>setsid</c>, so the script and everything it
/// starts share one group whose id is the script's pid. A <c>kill -9</c> of gwe orphans the group (nothing kills it
/// with gwe); at start-up, the recovery ends it here before it undoes the install, so a script that was mid-way cannot
/// go on changing the gateway after the undo.
/// </summary>
/// <remarks>
/// The group is found by its members' environment (<c>/proc/PID/environ</c>): the interrupted install's
/// <c>APP_NAME</c>, <c>APP_VERSION</c> and this gwe's <c>GWE_HOME</c>, which the runner gives the script and its
/// children inherit. Found that way, not from a group id journalled after the spawn, it is found even when the kill
/// came between the two (the script runs from the moment it is spawned). While any member lives, the kernel does not
/// hand the group id to anyone else, so one marked member proves the whole group is the script's.
/// </remarks>
internal static class InstallScriptGroup
{
    /// <summary>
    /// Kills every process group that still runs the install.sh of <paramref name="app"/> <paramref name="version"/>
    /// for the gwe home <paramref name="home"/>, found by environment; returns the groups killed.
    /// </summary>
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
