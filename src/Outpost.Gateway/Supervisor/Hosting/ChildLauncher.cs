using System.Collections.Concurrent;
using System.Diagnostics;

namespace Outpost.Gateway.Supervisor.Hosting;

/// <summary>Starts child processes from one dedicated, long-lived thread.</summary>
/// <remarks>
/// Why a thread of its own: <c>PR_SET_PDEATHSIG</c> fires when the <em>thread</em> that forked the child exits, not the
/// process. Thread-pool threads retire when idle, which would SIGKILL healthy apps at random; this thread lives as long
/// as the supervisor, so the death signal means what it should: gwe is gone.
/// </remarks>
internal sealed class ChildLauncher : IDisposable
{
    private readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Done)> _queue = new();
    private readonly Thread _thread;

    /// <summary>Starts the launcher thread.</summary>
    public ChildLauncher()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "supervisor-spawn" };
        _thread.Start();
    }

    /// <summary>Starts <paramref name="command"/> with stdin, stdout and stderr as pipes (stdin closed at once, so
    /// a program that reads it sees end-of-file instead of the supervisor's terminal).</summary>
    public Task<Process> LaunchAsync(ChildCommand command, string? directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        cancellationToken.ThrowIfCancellationRequested();
        var psi = new ProcessStartInfo(command.Argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory ?? string.Empty,
        };
        foreach (var a in command.Argv.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in command.Environment)
        {
            psi.Environment[k] = v;
        }

        var done = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add((psi, done), cancellationToken);
        return done.Task;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The thread is left to finish on its own: joining it here could block on a slow fork; it exits when the queue ends.
        _queue.CompleteAdding();
    }

    private void Run()
    {
        foreach (var (start, done) in _queue.GetConsumingEnumerable())
        {
            try
            {
                var p = Process.Start(start) ?? throw new InvalidOperationException("the process did not start");
                p.StandardInput.Close();
                done.TrySetResult(p);
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
            {
                done.TrySetException(ex);
            }
        }
    }
}
