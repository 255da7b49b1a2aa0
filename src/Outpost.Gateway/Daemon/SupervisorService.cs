using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Gateway.Apps;
using Outpost.Gateway.Engine;
using Outpost.Gateway.Supervisor;
using Outpost.Gateway.Supervisor.Config;
using Outpost.Gateway.Supervisor.Supervisord;

namespace Outpost.Gateway.Daemon;

/// <summary>Hosts the apps of <c>conf.d</c> in the daemon, through whichever <see cref="ISupervisor"/> engine.conf chose.</summary>
/// <remarks>
/// <para>Job: load <c>conf.d/*.conf</c> at start (autostart programs in priority order), answer <c>reread</c> and
/// <c>update</c>, and stop the apps when the daemon stops. Called by the host (start/stop), the control endpoints, and
/// later the OTA pipeline (which writes a conf file and calls <see cref="UpdateAsync"/>).</para>
/// <code>
///  1. StartAsync: a supervisord backend must answer first; read conf.d (a bad file stops start-up with one line);
///     ISupervisor.UpdateAsync(conf.d + the installed apps, stopped) adds them all and starts conf.d's autostart ones
///     (a conf.d program named like an installed app is left out, as update refuses it); remember conf.d's as
///     "applied" (the engine's start-up then starts the installed apps).
///  2. RereadAsync: read conf.d again and diff against "applied" (nothing changes).
///  3. UpdateAsync: read conf.d, ISupervisor.UpdateAsync, remember the new "applied".
///  4. StopAsync (SIGTERM): ISupervisor.ShutdownAsync — the built-in supervisor stops every app.
/// </code>
/// </remarks>
internal sealed class SupervisorService(ISupervisor supervisor, GweHome home, InstallPipeline pipeline, ILogger<SupervisorService> logger) : IHostedService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<ProgramConfig> _applied = [];

    /// <summary>The backend running the apps.</summary>
    public ISupervisor Supervisor => supervisor;

    /// <summary>The programs last applied, by name.</summary>
    public IReadOnlyList<ProgramConfig> Applied => Volatile.Read(ref _applied);

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (supervisor is SupervisordBackend backend && await backend.ConnectAsync(cancellationToken) is { } silent)
        {
            throw new DaemonStartException(silent);
        }

        // The installed apps come in the same load, stopped (the engine's start-up starts them): supervisord, which keeps
        // apps running across a gwe restart, then sees their program files unchanged instead of swept away as not in
        // conf.d, and does not restart them. A name is the installed app's, as `gwe update` decides: a conf.d program
        // with it is not loaded, and stays out of "applied", so the next update reports it the same way.
        var installed = pipeline.RegisteredPrograms();
        var conf = new List<ProgramConfig>();
        foreach (var program in Read())
        {
            if (installed.Any(app => app.Name == program.Name))
            {
                logger.ConfWarning($"conf.d's program {program.Name} is not loaded: the name is taken by an installed app; rename the conf.d program");
            }
            else
            {
                conf.Add(program);
            }
        }

        await supervisor.UpdateAsync([.. conf, .. installed], cancellationToken);
        Volatile.Write(ref _applied, conf);
        logger.Loaded(conf.Count, home.ConfD);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        logger.Stopping("stopping apps");
        await supervisor.ShutdownAsync(cancellationToken);
    }

    /// <summary>What <c>update</c> would do now, without doing it; throws <see cref="InvalidDataException"/> on a bad conf.</summary>
    public Task<UpdateResult> RereadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Diff(Applied, ReadOrThrow()));
    }

    /// <summary>Applies conf.d: starts new programs, restarts changed ones, stops removed ones.</summary>
    public async Task<UpdateResult> UpdateAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var conf = ReadOrThrow();
            var result = await ApplyAsync(Applied, conf, cancellationToken);
            // A program that could not be added is not conf.d's: removing its file later must not remove what holds
            // the name (an app the OTA pipeline installed).
            var failed = result.Failed.Select(line => line[..line.IndexOf(':', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
            Volatile.Write(ref _applied, [.. conf.Where(p => !failed.Contains(p.Name))]);
            logger.Updated(string.Join(',', result.Added), string.Join(',', result.Changed), string.Join(',', result.Removed));
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Applies the change from <paramref name="before"/> to <paramref name="after"/> program by program.</summary>
    /// <remarks>
    /// Not <see cref="ISupervisor.UpdateAsync"/>: that makes the supervisor's whole set match conf.d and would remove the
    /// apps the OTA pipeline registered (they live in their slots, not in conf.d). Only conf.d's own programs change here.
    /// </remarks>
    private async Task<UpdateResult> ApplyAsync(IReadOnlyList<ProgramConfig> before, IReadOnlyList<ProgramConfig> after, CancellationToken cancellationToken)
    {
        var diff = Diff(before, after);
        foreach (var name in diff.Removed.Concat(diff.Changed))
        {
            await supervisor.RemoveAsync(name, cancellationToken);
        }

        var failed = new List<string>();
        foreach (var program in after.Where(p => diff.Added.Contains(p.Name) || diff.Changed.Contains(p.Name)).OrderBy(p => p.Priority))
        {
            if (await supervisor.AddAsync(program, cancellationToken) is { Ok: false, Error: var error })
            {
                logger.ConfWarning(error!);
                failed.Add(program.Name + ": ERROR (" + (error!.Contains("already added", StringComparison.Ordinal)
                    ? "the name is taken by an installed app; rename the conf.d program"
                    : error[(error.IndexOf('(', StringComparison.Ordinal) + 1)..].TrimEnd(')')) + ")");
            }
        }

        return diff with
        {
            Added = [.. diff.Added.Where(n => !failed.Any(f => f.StartsWith(n + ":", StringComparison.Ordinal)))],
            Changed = [.. diff.Changed.Where(n => !failed.Any(f => f.StartsWith(n + ":", StringComparison.Ordinal)))],
            Failed = failed,
        };
    }

    /// <summary>The added/changed/removed names between two program lists (pure).</summary>
    public static UpdateResult Diff(IReadOnlyList<ProgramConfig> before, IReadOnlyList<ProgramConfig> after)
    {
        var old = before.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var now = after.ToDictionary(p => p.Name, StringComparer.Ordinal);
        return new UpdateResult(
            [.. after.Where(p => !old.ContainsKey(p.Name)).Select(p => p.Name)],
            [.. after.Where(p => old.TryGetValue(p.Name, out var o) && !o.Equals(p)).Select(p => p.Name)],
            [.. before.Where(p => !now.ContainsKey(p.Name)).Select(p => p.Name)]);
    }

    private List<ProgramConfig> Read()
    {
        var result = ConfDirectory.Read(home.ConfD);
        foreach (var warning in result.Warnings)
        {
            logger.ConfWarning(warning);
        }

        if (result.Error is not null)
        {
            throw new DaemonStartException(result.Error);
        }

        return [.. result.Programs];
    }

    private List<ProgramConfig> ReadOrThrow()
    {
        try
        {
            return Read();
        }
        catch (DaemonStartException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }
    }
}
