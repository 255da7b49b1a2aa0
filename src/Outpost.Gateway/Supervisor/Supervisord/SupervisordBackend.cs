using Microsoft.Extensions.Logging;
using Outpost.Gateway.Supervisor.Config;

namespace Outpost.Gateway.Supervisor.Supervisord;

/// <summary>Runs gwe's apps on a real supervisord (<c>[engine] process_manager = supervisord</c>), behind <see cref="ISupervisor"/>.</summary>
/// <remarks>
/// <para>Job: make supervisord host exactly the programs in gwe's <c>conf.d</c>, so <c>gwe status</c> and
/// <c>supervisorctl status</c> both show them. Called by the daemon (load at start, <c>gwe update</c>), the control socket
/// and the OTA pipeline (in the daemon, <c>gwe -I</c> and <c>gwe -o</c>), like the built-in supervisor.</para>
/// <code>
///  1. UpdateAsync: write one marked file per program into supervisord's include dir (ProgramConfWriter), delete
///     marked files of programs no longer wanted; files without the marker are never touched. AddAsync/RemoveAsync
///     write or delete one program's file only, so a gwe -I that knows no other program leaves the others alone.
///  2. supervisor.reloadConfig → [added, changed, removed]; keep only the programs this call wrote or deleted.
///  3. removed and changed: stopProcess + removeProcessGroup; changed and added: addProcessGroup (supervisord then
///     starts autostart programs itself).
///  4. start/stop/restart → startProcess/stopProcess with wait=true; faults become supervisorctl's one-liners.
///  5. status → getAllProcessInfo, filtered to gwe's programs; supervisord's own description column is kept.
///  6. gwe's shutdown leaves the apps running: supervisord owns them and outlives gwe (it usually runs gwe too).
/// </code>
/// </remarks>
internal sealed class SupervisordBackend(SupervisordClient client, string includeDirectory, string logDirectory, TimeProvider time, ILogger<SupervisordBackend> logger)
    : ISupervisor, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, ProgramConfig> _programs = new(StringComparer.Ordinal);

    /// <summary>Checks that supervisord answers (and logs its version); returns the line saying it does not, or null.</summary>
    public async Task<string?> ConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            var version = await client.CallAsync("supervisor.getSupervisorVersion", [], cancellationToken) as string ?? "?";
            var state = await client.CallAsync("supervisor.getState", [], cancellationToken) as Dictionary<string, object?>;
            logger.Connected(client.SocketPath, version, state?.GetValueOrDefault("statename") as string ?? "?");
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or XmlRpcFault or FormatException or TaskCanceledException)
        {
            // Name the socket: the framework's message for a unix socket names a made-up host ("supervisord:80").
            return File.Exists(client.SocketPath)
                ? $"supervisord does not answer on {client.SocketPath}: {ex.Message}"
                : $"supervisord does not answer: no socket at {client.SocketPath} (is supervisord running? engine.conf's supervisord_socket names it)";
        }
    }

    /// <inheritdoc />
    public async Task<SupervisorResult> StartAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!IsManaged(name))
        {
            return NoSuchProcess(name);
        }

        try
        {
            await client.CallAsync("supervisor.startProcess", [name, true], cancellationToken);
            return SupervisorResult.Success;
        }
        catch (XmlRpcFault fault)
        {
            return new SupervisorResult($"{name}: ERROR ({Describe(fault)})");
        }
    }

    /// <inheritdoc />
    public async Task<SupervisorResult> StopAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!IsManaged(name))
        {
            return NoSuchProcess(name);
        }

        try
        {
            await client.CallAsync("supervisor.stopProcess", [name, true], cancellationToken);
            return SupervisorResult.Success;
        }
        catch (XmlRpcFault fault)
        {
            return new SupervisorResult($"{name}: ERROR ({Describe(fault)})");
        }
    }

    /// <inheritdoc />
    public async Task<SupervisorResult> RestartAsync(string name, CancellationToken cancellationToken = default)
    {
        var stopped = await StopAsync(name, cancellationToken);
        if (!stopped.Ok && !stopped.Error!.EndsWith("(not running)", StringComparison.Ordinal))
        {
            return stopped;
        }

        return await StartAsync(name, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ProgramStatus>> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var all = await client.CallAsync("supervisor.getAllProcessInfo", [], cancellationToken) as List<object?> ?? [];
        var list = new List<ProgramStatus>();
        foreach (var info in all.OfType<Dictionary<string, object?>>())
        {
            var name = info.GetValueOrDefault("name") as string ?? string.Empty;
            if (!IsManaged(name))
            {
                continue;
            }

            list.Add(ToStatus(name, info));
        }

        return list;
    }

    /// <inheritdoc />
    /// <remarks>Only this program's file and process group change: a <c>gwe -I</c> or <c>gwe -o</c> knows none of the
    /// programs an earlier gwe left running in supervisord, and must not take them away.</remarks>
    public async Task<SupervisorResult> AddAsync(ProgramConfig program, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (IsManaged(program.Name))
        {
            return new SupervisorResult($"{program.Name}: ERROR (already added)");
        }

        await ApplyAsync([program], [], replaceAll: false, cancellationToken);
        return SupervisorResult.Success;
    }

    /// <inheritdoc />
    /// <remarks>A program an earlier gwe registered (its include file carries the marker) is removed too, so a new
    /// version installed by <c>gwe -I</c> replaces the one a daemon left running.</remarks>
    public async Task<SupervisorResult> RemoveAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!IsManaged(name) && !(File.Exists(FileFor(name)) && IsOurs(FileFor(name))))
        {
            return NoSuchProcess(name);
        }

        await ApplyAsync([], [name], replaceAll: false, cancellationToken);
        return SupervisorResult.Success;
    }

    /// <inheritdoc />
    /// <remarks>The whole set: marked files of programs not in <paramref name="programs"/> are deleted too (a conf.d
    /// program removed while gwe was down).</remarks>
    public Task<UpdateResult> UpdateAsync(IReadOnlyList<ProgramConfig> programs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(programs);
        return ApplyAsync(programs, [], replaceAll: true, cancellationToken);
    }

    /// <summary>
    /// Writes the files of <paramref name="write"/>, deletes those of <paramref name="remove"/> (with
    /// <paramref name="replaceAll"/>: of every gwe program not in <paramref name="write"/>), reloads supervisord's
    /// configuration and adds, replaces or removes the process groups of exactly those names.
    /// </summary>
    private async Task<UpdateResult> ApplyAsync(IReadOnlyList<ProgramConfig> write, IReadOnlyList<string> remove, bool replaceAll, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var wanted = write.ToDictionary(p => p.Name, StringComparer.Ordinal);
            HashSet<string> scope = [.. wanted.Keys, .. remove];
            if (replaceAll)
            {
                lock (_programs)
                {
                    scope.UnionWith(_programs.Keys);
                }
            }

            WriteFiles(wanted, scope, replaceAll);
            var reload = await client.CallAsync("supervisor.reloadConfig", [], cancellationToken) as List<object?>;
            var lists = reload?.FirstOrDefault() as List<object?> ?? [];
            string[] Names(int i) => lists.ElementAtOrDefault(i) is List<object?> l ? [.. l.OfType<string>().Where(scope.Contains)] : [];
            var (added, changed, removed) = (Names(0), Names(1), Names(2));

            foreach (var name in removed.Concat(changed))
            {
                await StopQuietlyAsync(name, cancellationToken);
                await CallQuietlyAsync("supervisor.removeProcessGroup", name, cancellationToken);
            }

            foreach (var name in changed.Concat(added).OrderBy(n => wanted.TryGetValue(n, out var p) ? p.Priority : 999))
            {
                await CallQuietlyAsync("supervisor.addProcessGroup", name, cancellationToken);
            }

            lock (_programs)
            {
                if (replaceAll)
                {
                    _programs.Clear();
                }

                foreach (var name in remove)
                {
                    _programs.Remove(name);
                }

                foreach (var (name, config) in wanted)
                {
                    _programs[name] = config;
                }
            }

            logger.Updated(string.Join(',', added), string.Join(',', changed), string.Join(',', removed));
            return new UpdateResult(added, changed, removed);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        lock (_programs)
        {
            logger.LeavingAppsRunning(_programs.Count);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public string? StdoutLogPath(string name)
    {
        lock (_programs)
        {
            return _programs.TryGetValue(name, out var p) ? ProgramConfWriter.LogPath(name, p.Stdout, "stdout", logDirectory) : null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        client.Dispose();
        _gate.Dispose();
    }

    private void WriteFiles(Dictionary<string, ProgramConfig> wanted, HashSet<string> scope, bool replaceAll)
    {
        Directory.CreateDirectory(includeDirectory);
        foreach (var program in wanted.Values)
        {
            var path = FileFor(program.Name);
            var text = ProgramConfWriter.Write(program, logDirectory);
            if (File.Exists(path) && File.ReadAllText(path) == text)
            {
                continue;
            }

            if (File.Exists(path) && !IsOurs(path))
            {
                throw new InvalidOperationException($"{path} exists and was not written by gwe; refusing to overwrite it");
            }

            // Temp + rename, so supervisord never reads half a file.
            var temp = path + ".tmp";
            File.WriteAllText(temp, text);
            File.Move(temp, path, overwrite: true);
            logger.WroteProgram(path);
        }

        var stale = replaceAll
            ? Directory.EnumerateFiles(includeDirectory, "*.conf").Select(Path.GetFileNameWithoutExtension).OfType<string>()
            : scope.Where(n => !wanted.ContainsKey(n));
        foreach (var name in stale.Where(n => !wanted.ContainsKey(n)).ToList())
        {
            var path = FileFor(name);
            if (File.Exists(path) && IsOurs(path))
            {
                File.Delete(path);
                scope.Add(name);
                logger.RemovedProgram(path);
            }
        }
    }

    private static bool IsOurs(string path)
    {
        using var reader = new StreamReader(path);
        return reader.ReadLine() == ProgramConfWriter.Marker;
    }

    private string FileFor(string name) => Path.Join(includeDirectory, name + ".conf");

    private bool IsManaged(string name)
    {
        lock (_programs)
        {
            return _programs.ContainsKey(name);
        }
    }

    private async Task StopQuietlyAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await client.CallAsync("supervisor.stopProcessGroup", [name, true], cancellationToken);
        }
        catch (XmlRpcFault fault) when (fault.Code is XmlRpcFault.BadName or XmlRpcFault.NotRunning)
        {
            // Already gone or never started: nothing to stop.
        }
    }

    private async Task CallQuietlyAsync(string method, string name, CancellationToken cancellationToken)
    {
        try
        {
            await client.CallAsync(method, [name], cancellationToken);
        }
        catch (XmlRpcFault fault) when (fault.Code is XmlRpcFault.BadName or XmlRpcFault.AlreadyAdded or XmlRpcFault.StillRunning)
        {
            logger.CallFailed(method, name, fault.Text);
        }
    }

    private ProgramStatus ToStatus(string name, Dictionary<string, object?> info)
    {
        int Int(string key) => info.GetValueOrDefault(key) as int? ?? 0;
        var state = Enum.IsDefined(typeof(ProcessState), Int("state")) ? (ProcessState)Int("state") : ProcessState.Unknown;
        var start = Int("start");
        var stop = Int("stop");
        var now = Int("now") is var n and > 0 ? n : (int)time.GetUtcNow().ToUnixTimeSeconds();
        var pid = Int("pid");
        var running = state is ProcessState.Running or ProcessState.Starting or ProcessState.Stopping;
        var spawnError = info.GetValueOrDefault("spawnerr") as string;
        return new ProgramStatus(
            name,
            state,
            pid > 0 ? pid : null,
            start > 0 ? DateTimeOffset.FromUnixTimeSeconds(start) : null,
            stop > 0 ? DateTimeOffset.FromUnixTimeSeconds(stop) : null,
            running && start > 0 ? TimeSpan.FromSeconds(Math.Max(0, now - start)) : TimeSpan.Zero,
            state is ProcessState.Exited or ProcessState.Backoff or ProcessState.Fatal ? Int("exitstatus") : null,
            0, // supervisord does not count restarts
            string.IsNullOrEmpty(spawnError) ? null : spawnError,
            info.GetValueOrDefault("description") as string ?? string.Empty);
    }

    private static string Describe(XmlRpcFault fault) => fault.Code switch
    {
        XmlRpcFault.BadName => "no such process",
        XmlRpcFault.AlreadyStarted => "already started",
        XmlRpcFault.NotRunning => "not running",
        XmlRpcFault.AbnormalTermination => "abnormal termination",
        XmlRpcFault.SpawnError => $"spawn error: {fault.Text}",
        _ => fault.Text,
    };

    private static SupervisorResult NoSuchProcess(string name) => new($"{name}: ERROR (no such process)");
}
