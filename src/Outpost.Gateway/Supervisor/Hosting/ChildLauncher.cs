using System.Collections.Concurrent;

namespace Outpost.Gateway.Supervisor.Hosting;

/// <summary>Starts child processes from one dedicated, long-lived thread.</summary>
/// <remarks>
/// Why a thread of its own: <c>PR_SET_PDEATHSIG</c> fires when the <em>thread</em> that forked the child exits, not the
/// process. Thread-pool threads retire when idle, which would SIGKILL healthy apps at random; this thread lives as long
/// as the supervisor, so the death signal means what it should: gwe is gone. The spawn itself is
/// <see cref="ChildProcess"/>'s <c>posix_spawn</c>, which gives the child default signal dispositions and an empty mask.
/// </remarks>
internal sealed class ChildLauncher : IDisposable
{
    private readonly BlockingCollection<(ChildCommand Command, string? Directory, TaskCompletionSource<ChildProcess> Done)> _queue = new();
    private readonly Thread _thread;

    /// <summary>Starts the launcher thread.</summary>
    public ChildLauncher()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "supervisor-spawn" };
        _thread.Start();
    }

    /// <summary>Starts <paramref name="command"/> with stdin on /dev/null (a program that reads it sees end-of-file
    /// instead of the supervisor's terminal) and stdout and stderr as pipes.</summary>
    public Task<ChildProcess> LaunchAsync(ChildCommand command, string? directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        cancellationToken.ThrowIfCancellationRequested();
        var done = new TaskCompletionSource<ChildProcess>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add((command, directory, done), cancellationToken);
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
        foreach (var (command, directory, done) in _queue.GetConsumingEnumerable())
        {
            try
            {
                done.TrySetResult(ChildProcess.Start(command.Argv, command.Environment, directory));
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException)
            {
                done.TrySetException(ex);
            }
        }
    }
}
