using System.Runtime.InteropServices;

namespace Outpost.Gateway.Supervisor.Hosting;

/// <summary>The two libc calls .NET does not offer: sending an arbitrary signal, to a pid or a process group, and geteuid.</summary>
internal static class Native
{
    private const int Esrch = 3;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>, or to process group <paramref name="pid"/> when
    /// <paramref name="group"/>. Returns <see langword="false"/> when nothing was there to receive it.</summary>
    public static bool Signal(int pid, UnixSignal signal, bool group)
    {
        if (pid <= 1)
        {
            // kill(0/-1/1) would hit our own group, every process, or init: never what a supervisor means.
            return false;
        }

        var rc = kill(group ? -pid : pid, (int)signal);
        return rc == 0 || Marshal.GetLastPInvokeError() != Esrch;
    }

    /// <summary>Whether this process runs as root (and so may switch programs to another <c>user</c>).</summary>
    public static bool IsRoot => geteuid() == 0;

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int kill(int pid, int sig);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint geteuid();
}
