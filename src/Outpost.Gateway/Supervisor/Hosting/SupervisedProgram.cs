using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Outpost.Gateway.Supervisor.Config;

namespace Outpost.Gateway.Supervisor.Hosting;

/// <summary>One program under supervision: the I/O around its <see cref="ProcessMachine"/>.</summary>
/// <remarks>
/// An actor: every input (operator request, exit, timer) goes through one inbox and is handled by one loop, so the
/// machine needs no locks and events are applied in the order they happened. The loop carries out the machine's
/// actions: spawn through <see cref="ChildLauncher"/>, timers through <see cref="TimeProvider"/>, signals through
/// <see cref="Native"/>; output is pumped into rotating log files by tasks of their own.
/// </remarks>
internal sealed class SupervisedProgram : IAsyncDisposable
{
    private readonly Channel<Envelope> _inbox = Channel.CreateUnbounded<Envelope>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _life = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<ProcessState, bool> When, TaskCompletionSource<ProcessState> Done)> _waiters = [];
    private readonly SupervisorOptions _options;
    private readonly ChildLauncher _launcher;
    private readonly SpawnWrappers _wrappers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<ProgramStateChange> _onChange;
    private readonly Task _loop;
    private ProcessMachine _machine = ProcessMachine.Initial;
    private int? _pid;
    private bool _isolated;
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _stoppedAt;
    private ITimer? _startTimer;
    private ITimer? _retryTimer;
    private ITimer? _killTimer;
    private RotatingLogFile? _stdoutLog;
    private RotatingLogFile? _stderrLog;
    private bool _logsOpen;

    /// <summary>Creates the program in STOPPED and starts its loop.</summary>
    public SupervisedProgram(
        ProgramConfig config,
        SupervisorOptions options,
        ChildLauncher launcher,
        SpawnWrappers wrappers,
        TimeProvider time,
        ILogger logger,
        Action<ProgramStateChange> onChange)
    {
        Config = config;
        _options = options;
        _launcher = launcher;
        _wrappers = wrappers;
        _time = time;
        _logger = logger;
        _onChange = onChange;
        _loop = Task.Run(() => RunAsync(_life.Token));
    }

    /// <summary>The program's settings.</summary>
    public ProgramConfig Config { get; }

    /// <summary>The state right now (may be stale by the time the caller looks).</summary>
    public ProcessState State
    {
        get
        {
            lock (_gate)
            {
                return _machine.State;
            }
        }
    }

    /// <summary>Whether nothing runs and nothing is scheduled: STOPPED, FATAL, or EXITED with no restart pending.</summary>
    public bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                return _machine.State is ProcessState.Stopped or ProcessState.Fatal
                    || (_machine.State == ProcessState.Exited && !_machine.RestartPending);
            }
        }
    }

    /// <summary>The stdout log path, or <see langword="null"/> for NONE.</summary>
    public string? StdoutLogPath => LogPath(Config.Stdout, "stdout");

    /// <summary>The stderr log path, or <see langword="null"/> for NONE or when it goes to stdout.</summary>
    public string? StderrLogPath => Config.RedirectStderr ? null : LogPath(Config.Stderr, "stderr");

    /// <summary>Applies <paramref name="e"/> and, when <paramref name="until"/> is given and the request is not refused,
    /// also returns a task that completes when a state matching it is entered.</summary>
    public async Task<(Transition Transition, Task<ProcessState>? Reached)> RequestAsync(
        ProcessEvent e, Func<ProcessState, bool>? until, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<Transition>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reached = until is null ? null : new TaskCompletionSource<ProcessState>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inbox.Writer.TryWrite(new Envelope(e, reply, until, reached)))
        {
            throw new ObjectDisposedException(Config.Name);
        }

        var t = await reply.Task.WaitAsync(cancellationToken);
        return (t, t.Rejected is null ? reached?.Task : null);
    }

    /// <summary>A snapshot for status.</summary>
    public ProgramStatus Snapshot()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var up = _machine.State is ProcessState.Running or ProcessState.Starting or ProcessState.Stopping && _startedAt is { } s
                ? now - s
                : TimeSpan.Zero;
            var description = StatusText.Describe(_machine.State, Config.Name, _pid, up, _startedAt, _stoppedAt, _machine.SpawnError, _time.LocalTimeZone);
            return new ProgramStatus(
                Config.Name, _machine.State, _pid, _startedAt, _stoppedAt, up, _machine.ExitCode, _machine.Restarts, _machine.SpawnError, description);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _inbox.Writer.TryComplete();
        await _life.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // The loop ends by cancellation; nothing was lost that a stop had not already handled.
        }

        lock (_gate)
        {
            foreach (var (_, done) in _waiters)
            {
                done.TrySetCanceled();
            }

            _waiters.Clear();
        }

        _startTimer?.Dispose();
        _retryTimer?.Dispose();
        _killTimer?.Dispose();
        _stdoutLog?.Dispose();
        _stderrLog?.Dispose();
        _life.Dispose();
    }

    private void Post(ProcessEvent e) => _inbox.Writer.TryWrite(new Envelope(e, null, null, null));

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var envelope in _inbox.Reader.ReadAllAsync(cancellationToken))
        {
            if (envelope.Until is not null)
            {
                lock (_gate)
                {
                    _waiters.Add((envelope.Until, envelope.Reached!));
                }
            }

            Transition t;
            try
            {
                t = await ApplyAsync(envelope.Event, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.Faulted(ex, Config.Name);
                t = Commit(new Transition(_machine with { State = ProcessState.Unknown }, [ProcessState.Unknown], []));
            }

            if (t.Rejected is not null)
            {
                _logger.Refused(Config.Name, envelope.Event.GetType().Name, t.Rejected);
                lock (_gate)
                {
                    _waiters.RemoveAll(w => ReferenceEquals(w.Done, envelope.Reached));
                }
            }

            envelope.Reply?.TrySetResult(t);
        }
    }

    private async Task<Transition> ApplyAsync(ProcessEvent e, CancellationToken cancellationToken)
    {
        if (e is ProcessEvent.Exited x && x.Generation == _machine.Generation)
        {
            lock (_gate)
            {
                _pid = null;
                _stoppedAt = _time.GetUtcNow();
            }
        }

        var t = Commit(_machine.Step(e, Config, _time.GetUtcNow()));
        if (t.Machine.QuickExits == 1 && t.Actions.OfType<ProcessAction.ScheduleRestart>().FirstOrDefault() is { } wait)
        {
            // Once per loop, not per restart: a program that exits at once would otherwise fill the log (and the SD card).
            _logger.RestartsSpaced(Config.Name, (long)(ProcessMachine.MinimumRun - wait.Delay).TotalMilliseconds);
        }

        foreach (var action in t.Actions)
        {
            await ExecuteAsync(action, cancellationToken);
        }

        return t;
    }

    private Transition Commit(Transition t)
    {
        ProcessState from;
        LogLevel level;
        lock (_gate)
        {
            from = _machine.State;

            // Quiet only inside a quick restart loop: its first exit and whatever ends it (a longer run, an operator's
            // start or stop, no restart wanted) are logged at Information.
            level = _machine.QuickExits > 0 && t.Machine.QuickExits > 0 ? LogLevel.Debug : LogLevel.Information;
            _machine = t.Machine;
        }

        foreach (var to in t.Entered)
        {
            _logger.StateEntered(level, Config.Name, to, _pid);
            _onChange(new ProgramStateChange(Config.Name, from, to, _pid, t.Machine.ExitCode, _time.GetUtcNow()));
            lock (_gate)
            {
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].When(to))
                    {
                        _waiters[i].Done.TrySetResult(to);
                        _waiters.RemoveAt(i);
                    }
                }
            }

            from = to;
        }

        return t;
    }

    private async Task ExecuteAsync(ProcessAction action, CancellationToken cancellationToken)
    {
        switch (action)
        {
            case ProcessAction.Spawn spawn:
                await SpawnAsync(spawn.Generation, cancellationToken);
                break;
            case ProcessAction.ScheduleStartCheck s:
                Reset(ref _startTimer, s.Delay, new ProcessEvent.StartSecsElapsed(s.Generation));
                break;
            case ProcessAction.ScheduleRetry r:
                Reset(ref _retryTimer, r.Delay, new ProcessEvent.BackoffElapsed(r.Generation));
                break;
            case ProcessAction.ScheduleRestart r:
                // The same timer as backoff's retry: a program waits for at most one of them at a time.
                Reset(ref _retryTimer, r.Delay, new ProcessEvent.RestartDelayElapsed(r.Generation));
                break;
            case ProcessAction.ScheduleKill k:
                Reset(ref _killTimer, k.Delay, new ProcessEvent.StopTimeoutElapsed(k.Generation));
                break;
            case ProcessAction.SendSignal sig when _pid is { } pid:
                _logger.Signalling(Config.Name, sig.Signal, pid, sig.ToGroup && _isolated);
                Native.Signal(pid, sig.Signal, sig.ToGroup && _isolated);
                break;
            case ProcessAction.Kill kill when _pid is { } pid:
                _logger.Killing(Config.Name, pid, kill.ToGroup && _isolated);
                Native.Signal(pid, UnixSignal.Kill, kill.ToGroup && _isolated);
                break;
            default:
                break; // a signal for a process that has already gone
        }
    }

    private LogLevel QuietInLoop()
    {
        lock (_gate)
        {
            return _machine.QuickExits > 0 ? LogLevel.Debug : LogLevel.Information;
        }
    }

    private void Reset(ref ITimer? timer, TimeSpan delay, ProcessEvent due)
    {
        timer?.Dispose();
        timer = _time.CreateTimer(static state => ((Action)state!)(), (Action)(() => Post(due)), delay, Timeout.InfiniteTimeSpan);
    }

    private async Task SpawnAsync(int generation, CancellationToken cancellationToken)
    {
        var (command, error) = ChildCommand.Build(
            Config,
            _wrappers,
            Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            Native.IsRoot,
            Environment.UserName,
            () => File.ReadAllText("/etc/passwd"));
        error ??= OpenLogs();
        ChildProcess? process = null;
        if (command is not null && error is null)
        {
            try
            {
                process = await _launcher.LaunchAsync(command, Config.Directory, cancellationToken);
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
            {
                error = ex.Message;
            }
        }

        if (process is null || command is null)
        {
            _logger.SpawnFailed(Config.Name, error ?? "unknown");
            await ApplyAsync(new ProcessEvent.SpawnFailed(error ?? "unknown"), cancellationToken);
            return;
        }

        // Read once: the watcher below may see a short-lived process exit and dispose it before this method ends.
        var pid = process.Pid;
        lock (_gate)
        {
            _pid = pid;
            _isolated = command.Isolated;
            _startedAt = _time.GetUtcNow();
        }

        _logger.Spawned(QuietInLoop(), Config.Name, pid);
        var stdout = PumpAsync(process.Stdout, _stdoutLog, cancellationToken);
        var stderr = PumpAsync(process.Stderr, Config.RedirectStderr ? _stdoutLog : _stderrLog, cancellationToken);
        _ = WatchAsync(process, pid, generation, command.Isolated, Task.WhenAll(stdout, stderr), cancellationToken);
        await ApplyAsync(new ProcessEvent.Spawned(pid), cancellationToken);
    }

    private async Task WatchAsync(ChildProcess process, int pid, int generation, bool isolated, Task pumps, CancellationToken cancellationToken)
    {
        try
        {
            var code = await process.Exited.WaitAsync(cancellationToken);
            _logger.Exited(QuietInLoop(), Config.Name, pid, code);

            // The group leader is gone; with killasgroup, children it left behind go too, so none is orphaned.
            if (isolated && Config.KillAsGroup)
            {
                Native.Signal(pid, UnixSignal.Kill, group: true);
            }

            Post(new ProcessEvent.Exited(generation, code));
            await pumps;
        }
        catch (OperationCanceledException)
        {
            // The program was removed while its process ran: removal stops it first, so this is shutdown only.
        }
        finally
        {
            process.Dispose();
        }
    }

    private async Task PumpAsync(Stream source, RotatingLogFile? sink, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var failed = false;
        try
        {
            int n;
            while ((n = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                try
                {
                    sink?.Write(buffer.AsSpan(0, n));
                }
                catch (IOException ex) when (!failed)
                {
                    // Keep draining the pipe even when the disk is full: a blocked pipe would freeze the app.
                    failed = true;
                    _logger.LogWriteFailed(ex, Config.Name, StdoutLogPath ?? "(none)");
                }
                catch (IOException)
                {
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The pipe closed or the program was removed.
        }
    }

    private string? OpenLogs()
    {
        if (_logsOpen)
        {
            return null;
        }

        var path = StdoutLogPath;
        try
        {
            _stdoutLog = path is null ? null : new RotatingLogFile(path, Config.Stdout.MaxBytes, Config.Stdout.Backups);
            path = StderrLogPath;
            _stderrLog = path is null ? null : new RotatingLogFile(path, Config.Stderr.MaxBytes, Config.Stderr.Backups);
            _logsOpen = true;
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"can't open log {path}: {ex.Message}";
        }
    }

    private string? LogPath(ProgramLogConfig log, string stream) => log.Mode switch
    {
        LogFileMode.None => null,
        LogFileMode.File => log.Path,
        _ => Path.Combine(_options.LogDirectory, $"{Config.Name}-{stream}.log"),
    };

    private sealed record Envelope(
        ProcessEvent Event,
        TaskCompletionSource<Transition>? Reply,
        Func<ProcessState, bool>? Until,
        TaskCompletionSource<ProcessState>? Reached);
}
