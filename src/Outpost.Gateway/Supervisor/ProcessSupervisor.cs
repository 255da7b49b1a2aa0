using Microsoft.Extensions.Logging;
using Outpost.Gateway.Supervisor.Config;
using Outpost.Gateway.Supervisor.Hosting;

namespace Outpost.Gateway.Supervisor;

/// <summary>The built-in supervisor: runs gwe's hosted apps with supervisord's semantics, no Python needed.</summary>
/// <remarks>
/// <para>Job: keep every configured program in the state its <c>[program:NAME]</c> section asks for — started in
/// <c>priority</c> order, restarted when it crashes, given up on (FATAL) when it cannot start, stopped cleanly.
/// Called by the gwe daemon at start-up and shutdown, by the control socket (<c>gwe status/start/stop/restart/update</c>)
/// and by the OTA pipeline, all through <see cref="ISupervisor"/>.</para>
/// <code>
///  1. LoadAsync: one SupervisedProgram (actor) per program; autostart ones get StartRequested, lowest priority first.
///  2. A request or event enters the program's inbox; its loop asks ProcessMachine (pure) for the transition.
///  3. The loop carries out the actions: spawn via posix_spawn (default signal dispositions, empty mask) of setsid +
///     setpriv --pdeathsig (own process group, dies with gwe), timers via TimeProvider (startsecs, backoff, the 1 s
///     spacing of quick restarts, stopwaitsecs), signals via kill(2) to the pid or the group.
///  4. A watcher per process posts Exited with the exit code; pumps copy stdout/stderr into rotating log files.
///  5. Every state entered is logged and raised as StateChanged; status snapshots are taken under a small lock.
///  6. ShutdownAsync stops everything, highest priority number first; DisposeAsync does it too.
/// </code>
/// </remarks>
internal sealed class ProcessSupervisor : ISupervisor, IAsyncDisposable
{
    private readonly SupervisorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SpawnWrappers _wrappers;
    private readonly ChildLauncher _launcher = new();
    private readonly SemaphoreSlim _membership = new(1, 1);
    private readonly Dictionary<string, SupervisedProgram> _programs = new(StringComparer.Ordinal);

    /// <summary>Creates an empty supervisor; <paramref name="wrappers"/> defaults to the util-linux tools found here.</summary>
    public ProcessSupervisor(SupervisorOptions options, TimeProvider time, ILogger<ProcessSupervisor> logger, SpawnWrappers? wrappers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _logger = logger;
        _wrappers = wrappers ?? SpawnWrappers.Detect();
        if (_wrappers.Setsid is null)
        {
            _logger.NoSetsid();
        }

        if (_wrappers.Setpriv is null)
        {
            _logger.NoSetpriv();
        }
    }

    /// <summary>Raised on the program's own loop for every state a program enters; keep handlers quick.</summary>
    public event Action<ProgramStateChange>? StateChanged;

    /// <summary>Adds <paramref name="programs"/> and starts the autostart ones in priority order (without waiting for RUNNING).</summary>
    public async Task<SupervisorResult> LoadAsync(IEnumerable<ProgramConfig> programs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(programs);
        var added = new List<SupervisedProgram>();
        await _membership.WaitAsync(cancellationToken);
        try
        {
            foreach (var config in programs)
            {
                if (_programs.ContainsKey(config.Name))
                {
                    return new SupervisorResult($"{config.Name}: ERROR (already added)");
                }

                var program = Create(config);
                lock (_programs)
                {
                    _programs[config.Name] = program;
                }

                added.Add(program);
            }
        }
        finally
        {
            _membership.Release();
        }

        foreach (var p in added.Where(p => p.Config.AutoStart).OrderBy(p => p.Config.Priority))
        {
            await p.RequestAsync(new ProcessEvent.StartRequested(), null, cancellationToken);
        }

        return SupervisorResult.Success;
    }

    /// <inheritdoc />
    public Task<SupervisorResult> AddAsync(ProgramConfig program, CancellationToken cancellationToken = default) =>
        LoadAsync([program], cancellationToken);

    /// <inheritdoc />
    public async Task<SupervisorResult> StartAsync(string name, CancellationToken cancellationToken = default)
    {
        if (Find(name) is not { } program)
        {
            return NoSuchProcess(name);
        }

        var (t, reached) = await program.RequestAsync(new ProcessEvent.StartRequested(), s => s != ProcessState.Starting, cancellationToken);
        if (t.Rejected is not null)
        {
            return new SupervisorResult($"{name}: ERROR ({t.Rejected})");
        }

        var state = await reached!.WaitAsync(cancellationToken);
        if (state == ProcessState.Running)
        {
            return SupervisorResult.Success;
        }

        var spawnError = program.Snapshot().SpawnError;
        return new SupervisorResult(spawnError is null or ProcessMachine.ExitedTooQuickly
            ? $"{name}: ERROR (abnormal termination)"
            : $"{name}: ERROR (spawn error: {spawnError})");
    }

    /// <inheritdoc />
    public async Task<SupervisorResult> StopAsync(string name, CancellationToken cancellationToken = default) =>
        Find(name) is { } program ? await StopProgramAsync(program, cancellationToken) : NoSuchProcess(name);

    /// <inheritdoc />
    public async Task<SupervisorResult> RestartAsync(string name, CancellationToken cancellationToken = default)
    {
        if (Find(name) is not { } program)
        {
            return NoSuchProcess(name);
        }

        var stopped = await StopProgramAsync(program, cancellationToken);
        if (!stopped.Ok && !stopped.Error!.EndsWith("(not running)", StringComparison.Ordinal))
        {
            return stopped;
        }

        return await StartAsync(name, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ProgramStatus>> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        SupervisedProgram[] programs;
        lock (_programs)
        {
            programs = [.. _programs.Values];
        }

        IReadOnlyList<ProgramStatus> list = programs
            .OrderBy(p => p.Config.Priority)
            .ThenBy(p => p.Config.Name, StringComparer.Ordinal)
            .Select(p => p.Snapshot())
            .ToList();
        return Task.FromResult(list);
    }

    /// <inheritdoc />
    public async Task<SupervisorResult> RemoveAsync(string name, CancellationToken cancellationToken = default)
    {
        await _membership.WaitAsync(cancellationToken);
        try
        {
            if (Find(name) is not { } program)
            {
                return NoSuchProcess(name);
            }

            await RemoveProgramAsync(program, cancellationToken);
            return SupervisorResult.Success;
        }
        finally
        {
            _membership.Release();
        }
    }

    /// <inheritdoc />
    public async Task<UpdateResult> UpdateAsync(IReadOnlyList<ProgramConfig> programs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(programs);
        var wanted = programs.ToDictionary(p => p.Name, StringComparer.Ordinal);
        List<string> added = [], changed = [], removed = [];
        var toStart = new List<SupervisedProgram>();
        await _membership.WaitAsync(cancellationToken);
        try
        {
            SupervisedProgram[] current;
            lock (_programs)
            {
                current = [.. _programs.Values];
            }

            foreach (var p in current.Where(p => !wanted.ContainsKey(p.Config.Name)))
            {
                await RemoveProgramAsync(p, cancellationToken);
                removed.Add(p.Config.Name);
            }

            foreach (var config in programs)
            {
                var existing = Find(config.Name);
                if (existing is not null && existing.Config.Equals(config))
                {
                    continue;
                }

                if (existing is not null)
                {
                    await RemoveProgramAsync(existing, cancellationToken);
                    changed.Add(config.Name);
                }
                else
                {
                    added.Add(config.Name);
                }

                var program = Create(config);
                lock (_programs)
                {
                    _programs[config.Name] = program;
                }

                toStart.Add(program);
            }
        }
        finally
        {
            _membership.Release();
        }

        foreach (var p in toStart.Where(p => p.Config.AutoStart).OrderBy(p => p.Config.Priority))
        {
            await p.RequestAsync(new ProcessEvent.StartRequested(), null, cancellationToken);
        }

        return new UpdateResult(added, changed, removed);
    }

    /// <summary>Stops every program, highest priority number first, programs of one priority together.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        SupervisedProgram[] programs;
        lock (_programs)
        {
            programs = [.. _programs.Values];
        }

        // Counted (and said) only for programs still alive: DisposeAsync shuts down again after the daemon's own
        // shutdown, and a second "stopping all N" line for programs already stopped misled readers of the log.
        // EXITED with a restart pending counts: left alone, its timer would spawn it again after the shutdown.
        var alive = programs.Where(p => !p.IsIdle).ToList();
        if (alive.Count > 0)
        {
            _logger.StoppingAll(alive.Count);
        }

        // Only those: a stop request to a stopped program is refused, and logged, for nothing.
        foreach (var level in alive.GroupBy(p => p.Config.Priority).OrderByDescending(g => g.Key))
        {
            await Task.WhenAll(level.Select(p => StopProgramAsync(p, cancellationToken)));
        }
    }

    /// <inheritdoc />
    public string? StdoutLogPath(string name) => Find(name)?.StdoutLogPath;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync(CancellationToken.None);
        SupervisedProgram[] programs;
        lock (_programs)
        {
            programs = [.. _programs.Values];
            _programs.Clear();
        }

        foreach (var p in programs)
        {
            await p.DisposeAsync();
        }

        _launcher.Dispose();
        _membership.Dispose();
    }

    private SupervisedProgram Create(ProgramConfig config) =>
        new(config, _options, _launcher, _wrappers, _time, _logger, change => StateChanged?.Invoke(change));

    private SupervisedProgram? Find(string name)
    {
        lock (_programs)
        {
            return _programs.GetValueOrDefault(name);
        }
    }

    private async Task RemoveProgramAsync(SupervisedProgram program, CancellationToken cancellationToken)
    {
        await StopProgramAsync(program, cancellationToken);
        lock (_programs)
        {
            _programs.Remove(program.Config.Name);
        }

        await program.DisposeAsync();
    }

    private async Task<SupervisorResult> StopProgramAsync(SupervisedProgram program, CancellationToken cancellationToken)
    {
        var (t, reached) = await program.RequestAsync(
            new ProcessEvent.StopRequested(), s => s is ProcessState.Stopped or ProcessState.Exited or ProcessState.Fatal, cancellationToken);
        if (t.Rejected is not null)
        {
            return new SupervisorResult($"{program.Config.Name}: ERROR ({t.Rejected})");
        }

        // SIGKILL goes out at stopwaitsecs; past that plus a grace the process is stuck in the kernel, not ours to wait on.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(program.Config.StopWaitSecs) + _options.KillGrace, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken);
        try
        {
            await reached!.WaitAsync(linked.Token);
            return SupervisorResult.Success;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new SupervisorResult($"{program.Config.Name}: ERROR (did not stop within stopwaitsecs)");
        }
    }

    private static SupervisorResult NoSuchProcess(string name) => new($"{name}: ERROR (no such process)");
}
