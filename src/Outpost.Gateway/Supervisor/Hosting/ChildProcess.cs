using System.IO.Pipes;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Outpost.Gateway.Supervisor.Hosting;

/// <summary>A child started with <c>posix_spawn</c>: every signal at its default disposition and an empty signal mask,
/// stdin on /dev/null, stdout and stderr as pipes.</summary>
/// <remarks>
/// <para>Why not <see cref="System.Diagnostics.Process"/>: its fork resets only the signals the runtime handles, so a
/// child inherits every signal gwe ignores — SIGPIPE (the runtime ignores it), and SIGHUP, SIGINT, SIGQUIT when gwe was
/// started under <c>nohup</c> or with <c>&amp;</c> from a script. Such an app never sees a broken pipe (<c>yes | head</c>
/// ran on writing EPIPE errors) and never gets a <c>stopsignal=HUP</c>, so it ends by SIGKILL. supervisord's children
/// start with default dispositions; <c>POSIX_SPAWN_SETSIGDEF</c> and <c>POSIX_SPAWN_SETSIGMASK</c> give the same in
/// libc itself (glibc and musl alike), with no tool of the gateway's userland needed.</para>
/// <para>The exit is awaited with a blocking <c>waitpid</c> on a small thread of the child's own: the runtime reaps only
/// the children it started itself (it leaves others to their parent code), so nothing else takes this one's status.</para>
/// </remarks>
internal sealed class ChildProcess : IDisposable
{
    private const int SpawnSetSigDef = 0x04;
    private const int SpawnSetSigMask = 0x08;
    private const int OCloexec = 0x80000;
    private const int FDupfdCloexec = 1030;
    private const int Eintr = 4;

    // Opaque libc types, allocated generously: glibc's posix_spawnattr_t is 336 bytes, sigset_t 128 (musl's are smaller).
    private const int OpaqueSize = 1024;

    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(int pid, Stream stdout, Stream stderr)
    {
        Pid = pid;
        Stdout = stdout;
        Stderr = stderr;
        var waiter = new Thread(WaitForExit, 128 * 1024) { IsBackground = true, Name = "supervisor-wait" };
        waiter.Start();
    }

    /// <summary>The child's pid.</summary>
    public int Pid { get; }

    /// <summary>The read end of the child's stdout.</summary>
    public Stream Stdout { get; }

    /// <summary>The read end of the child's stderr.</summary>
    public Stream Stderr { get; }

    /// <summary>Completes with the exit code (128+N when signal N ended it) once the child is reaped.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Spawns <paramref name="argv"/> (element 0 the file to exec) in <paramref name="directory"/> (or gwe's
    /// own) with gwe's environment plus <paramref name="environment"/>.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The spawn failed; the message says why.</exception>
    public static ChildProcess Start(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, string? directory)
    {
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(environment);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            env[(string)e.Key] = (string?)e.Value ?? string.Empty;
        }

        foreach (var (k, v) in environment)
        {
            env[k] = v;
        }

        var (outRead, outWrite) = Pipe();
        var (errRead, errWrite) = Pipe();
        var fileActions = Marshal.AllocHGlobal(OpaqueSize);
        var attr = Marshal.AllocHGlobal(OpaqueSize);
        var signals = Marshal.AllocHGlobal(OpaqueSize);
        var strings = new List<IntPtr>();
        var fileActionsReady = false;
        var attrReady = false;
        try
        {
            Check(posix_spawn_file_actions_init(fileActions), "posix_spawn_file_actions_init");
            fileActionsReady = true;
            Check(posix_spawnattr_init(attr), "posix_spawnattr_init");
            attrReady = true;
            Check(posix_spawn_file_actions_addopen(fileActions, 0, Utf8("/dev/null", strings), 0, 0), "addopen");
            Check(posix_spawn_file_actions_adddup2(fileActions, outWrite, 1), "adddup2");
            Check(posix_spawn_file_actions_adddup2(fileActions, errWrite, 2), "adddup2");
            if (!string.IsNullOrEmpty(directory))
            {
                try
                {
                    Check(posix_spawn_file_actions_addchdir_np(fileActions, Utf8(directory, strings)), "addchdir");
                }
                catch (EntryPointNotFoundException)
                {
                    throw new System.ComponentModel.Win32Exception(0, $"couldn't chdir to {directory}: this libc has no posix_spawn_file_actions_addchdir_np (glibc < 2.29)");
                }
            }

            // Signals 1–64, set by hand: sigfillset leaves out glibc's internal 32 and 33, which glibc's posix_spawn then
            // hands to the program ignored. A forked child (and supervisord's) has them at default like every other
            // signal; the program's libc installs its own handlers when it needs them. All bits set, so byte order is moot.
            Check(sigemptyset(signals), "sigemptyset");
            Marshal.WriteInt64(signals, 0, -1L);
            Check(posix_spawnattr_setsigdefault(attr, signals), "setsigdefault");
            Check(sigemptyset(signals), "sigemptyset");
            Check(posix_spawnattr_setsigmask(attr, signals), "setsigmask");
            Check(posix_spawnattr_setflags(attr, SpawnSetSigDef | SpawnSetSigMask), "setflags");

            var argvBlock = Block(argv, strings);
            var envBlock = Block([.. env.Select(kv => kv.Key + "=" + kv.Value)], strings);
            var rc = posix_spawn(out var pid, Utf8(argv[0], strings), fileActions, attr, argvBlock, envBlock);
            if (rc != 0)
            {
                throw new System.ComponentModel.Win32Exception(rc, $"couldn't exec {argv[0]}: {Marshal.GetPInvokeErrorMessage(rc)}");
            }

            _ = close(outWrite);
            _ = close(errWrite);
            outWrite = errWrite = -1;
            return new ChildProcess(pid, Reader(outRead), Reader(errRead));
        }
        catch
        {
            foreach (var fd in new[] { outRead, errRead })
            {
                _ = close(fd);
            }

            throw;
        }
        finally
        {
            foreach (var fd in new[] { outWrite, errWrite }.Where(fd => fd >= 0))
            {
                _ = close(fd);
            }

            if (fileActionsReady)
            {
                _ = posix_spawn_file_actions_destroy(fileActions);
            }

            if (attrReady)
            {
                _ = posix_spawnattr_destroy(attr);
            }

            foreach (var p in strings)
            {
                Marshal.FreeCoTaskMem(p);
            }

            Marshal.FreeHGlobal(fileActions);
            Marshal.FreeHGlobal(attr);
            Marshal.FreeHGlobal(signals);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Stdout.Dispose();
        Stderr.Dispose();
    }

    private static (int Read, int Write) Pipe()
    {
        var fds = new int[2];
        if (pipe2(fds, OCloexec) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new System.ComponentModel.Win32Exception(errno, $"pipe: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        return (AboveStdio(fds[0]), AboveStdio(fds[1]));
    }

    // A pipe end that is fd 0–2 (gwe started with one of them closed) would be overwritten by, or dup2'd onto, itself.
    private static int AboveStdio(int fd)
    {
        if (fd > 2)
        {
            return fd;
        }

        var moved = fcntl(fd, FDupfdCloexec, 3);
        _ = close(fd);
        return moved;
    }

    // A pipe stream, not a FileStream: its reads are asynchronous (epoll) instead of holding a pool thread per pipe.
    private static AnonymousPipeClientStream Reader(int fd) =>
        new(PipeDirection.In, new SafePipeHandle(fd, ownsHandle: true));

    private static IntPtr Utf8(string s, List<IntPtr> strings)
    {
        var p = Marshal.StringToCoTaskMemUTF8(s);
        strings.Add(p);
        return p;
    }

    // A NULL-terminated char*[] in unmanaged memory.
    private static IntPtr Block(IReadOnlyList<string> items, List<IntPtr> strings)
    {
        var block = Marshal.AllocCoTaskMem(IntPtr.Size * (items.Count + 1));
        strings.Add(block);
        for (var i = 0; i < items.Count; i++)
        {
            Marshal.WriteIntPtr(block, i * IntPtr.Size, Utf8(items[i], strings));
        }

        Marshal.WriteIntPtr(block, items.Count * IntPtr.Size, IntPtr.Zero);
        return block;
    }

    private static void Check(int rc, string call)
    {
        if (rc != 0)
        {
            throw new System.ComponentModel.Win32Exception(rc, $"{call}: {Marshal.GetPInvokeErrorMessage(rc)}");
        }
    }

    private void WaitForExit()
    {
        while (true)
        {
            var rc = waitpid(Pid, out var status, 0);
            if (rc == Pid)
            {
                var signal = status & 0x7f;
                _exited.TrySetResult(signal == 0 ? (status >> 8) & 0xff : 128 + signal);
                return;
            }

            if (rc < 0 && Marshal.GetLastPInvokeError() == Eintr)
            {
                continue;
            }

            // ECHILD: someone else reaped it (only when gwe was started with SIGCHLD ignored); the code is lost.
            _exited.TrySetResult(-1);
            return;
        }
    }

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int pipe2(int[] fds, int flags);

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int fcntl(int fd, int cmd, int arg);

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int waitpid(int pid, out int status, int options);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int sigemptyset(IntPtr set);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int posix_spawn_file_actions_init(IntPtr actions);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int posix_spawn_file_actions_destroy(IntPtr actions);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int posix_spawn_file_actions_addopen(IntPtr actions, int fd, IntPtr path, int flags, uint mode);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int posix_spawn_file_actions_adddup2(IntPtr actions, int fd, int newFd);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int posix_spawn_file_actions_addchdir_np(IntPtr actions, IntPtr path);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int posix_spawnattr_init(IntPtr attr);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int posix_spawnattr_destroy(IntPtr attr);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int posix_spawnattr_setflags(IntPtr attr, short flags);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int posix_spawnattr_setsigdefault(IntPtr attr, IntPtr set);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int posix_spawnattr_setsigmask(IntPtr attr, IntPtr set);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int posix_spawn(out int pid, IntPtr path, IntPtr fileActions, IntPtr attr, IntPtr argv, IntPtr envp);
}
