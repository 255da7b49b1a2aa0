using System.Runtime.Versioning;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Device;
using Outpost.Gateway.Apps;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Reports;

namespace Outpost.Gateway.Engine;

/// <summary>
/// The engine_fetch loop: long-polls the alias continuously, so a command is acted on within a second of being written,
/// and runs each new command exactly once across restarts (<see cref="FetchCursor"/>, saved before the command runs;
/// an install a crash interrupts is finished or undone by the journal instead).
/// </summary>
/// <remarks>
/// <code>
///  1. first start: install every tarball in apps_to_install/ (no cloud needed), then mark it done
///  2. once activated: send the fetch_status values start-up queued (recovered installs, bundled apps)
///  3. poll from the cursor's second (inclusive): the latest value comes back at once — skip it if it is the one
///     handled, else save the cursor and run it (CommandRunner)
///  4. then wait for a newer second (long poll); for three rounds after a command the wait is short, because the
///     cloud's timestamps have one-second resolution and a second command may land in the same second
/// </code>
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal sealed class FetchService(
    EngineOptions options,
    EngineState state,
    InstallPipeline pipeline,
    CommandRunner runner,
    CloudOutage outage,
    AppsOptions apps,
    TimeProvider time,
    ILogger<FetchService> logger) : BackgroundService
{
    private static readonly TimeSpan SameSecondWait = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await state.WhenReadyAsync(stoppingToken);
        if (options.InstallAppsToInstall)
        {
            await InstallBundledAsync(stoppingToken);
        }

        await state.WhenActivatedAsync(stoppingToken);
        var cursor = FetchCursor.Load(apps.StateDirectory);
        var sameSecondRounds = 0;

        // After a failure the next poll asks without waiting: a long poll that reaches a recovered cloud answers only
        // when it times out, and the engine's first answer is what ends GMQ's backoff (GweDaemon). One small request
        // per outage; the poll after it waits as usual.
        var reconnecting = false;
        var failures = 0;
        TimeSpan Wait(TimeSpan usual) => reconnecting ? TimeSpan.Zero : usual;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FlushPendingAsync(stoppingToken);
                if (cursor is null || sameSecondRounds > 0)
                {
                    // Inclusive of the cursor's second: returns the latest value at once (or waits if there is none).
                    sameSecondRounds = Math.Max(0, sameSecondRounds - 1);
                    var since = cursor?.Timestamp ?? DateTimeOffset.UnixEpoch.AddSeconds(1);
                    var latest = await state.PollClient.WaitAsync(GatewayAliases.EngineFetch, Wait(cursor is null ? options.LongPollTimeout : SameSecondWait), since, stoppingToken);
                    (reconnecting, failures) = (false, 0);
                    outage.Answered();
                    if (latest.Changed && !(cursor?.IsSame(latest.Timestamp ?? since, latest.Value!) ?? false))
                    {
                        (cursor, _) = await HandleAsync(latest, since, stoppingToken);
                        sameSecondRounds = 3;
                        continue;
                    }

                    if (cursor is null)
                    {
                        continue;
                    }
                }

                var next = await state.PollClient.WaitAsync(
                    GatewayAliases.EngineFetch, Wait(sameSecondRounds > 0 ? SameSecondWait : options.LongPollTimeout), cursor.Timestamp.AddSeconds(1), stoppingToken);
                (reconnecting, failures) = (false, 0);
                outage.Answered();
                if (next.Changed)
                {
                    (cursor, _) = await HandleAsync(next, cursor.Timestamp.AddSeconds(1), stoppingToken);
                    sameSecondRounds = 3;
                }
            }
            catch (Exception ex) when (ex is DeviceApiException or HttpRequestException or IOException)
            {
                // Backs off (exponential, capped by backoff_max): every probe of a long outage costs on a cellular link.
                reconnecting = true;
                await Task.Delay(outage.Failed("engine_fetch", ex.Message, ++failures), time, stoppingToken);
            }
        }
    }

    /// <summary>
    /// <c>gwe -o</c>'s step: reads engine_fetch once without waiting and runs its command if it is not the one already
    /// handled. Returns the fetch_status values written (none when there was nothing new).
    /// </summary>
    public async Task<IReadOnlyList<FetchStatus>> HandlePendingAsync(CancellationToken cancellationToken)
    {
        var cursor = FetchCursor.Load(apps.StateDirectory);
        // Inclusive of the cursor's second, as the loop's first poll: the latest value comes back at once.
        var since = cursor?.Timestamp ?? DateTimeOffset.UnixEpoch.AddSeconds(1);
        var latest = await state.Client.WaitAsync(GatewayAliases.EngineFetch, TimeSpan.Zero, since, cancellationToken);
        if (!latest.Changed || (cursor?.IsSame(latest.Timestamp ?? since, latest.Value!) ?? false))
        {
            return [];
        }

        var (_, statuses) = await HandleAsync(latest, since, cancellationToken);
        return statuses;
    }

    private async Task<(FetchCursor Cursor, IReadOnlyList<FetchStatus> Statuses)> HandleAsync(WaitResult result, DateTimeOffset fallback, CancellationToken cancellationToken)
    {
        var cursor = FetchCursor.For(result.Timestamp ?? fallback, result.Value!);
        // Saved first: a crash during the command must not run it again (an install is recovered by its journal).
        await cursor.SaveAsync(apps.StateDirectory, cancellationToken);
        return (cursor, await runner.RunAsync(result.Value!, cancellationToken));
    }

    /// <summary>Writes the fetch_status values start-up and apps_to_install queued (needs activation).</summary>
    public async Task FlushPendingAsync(CancellationToken cancellationToken)
    {
        while (state.PendingStatus.TryPeek(out var status))
        {
            await state.Client.WriteAsync(GatewayAliases.FetchStatus, JsonSerializer.Serialize(status, ReportsJsonContext.Default.FetchStatus), cancellationToken);
            state.PendingStatus.TryDequeue(out _);
            state.RequestReport();
        }
    }

    /// <summary>On first start, installs every tarball in apps_to_install/ once; queues a fetch_status for each.</summary>
    public async Task<IReadOnlyList<FetchStatus>> InstallBundledAsync(CancellationToken cancellationToken)
    {
        var marker = Path.Join(apps.StateDirectory, "apps_to_install.done");
        if (File.Exists(marker) || !Directory.Exists(apps.AppsToInstallDirectory))
        {
            return [];
        }

        var tarballs = Directory.GetFiles(apps.AppsToInstallDirectory, "*.tar.gz").Order(StringComparer.Ordinal).ToList();
        logger.InstallingBundled(tarballs.Count, apps.AppsToInstallDirectory);
        var statuses = new List<FetchStatus>();
        foreach (var tarball in tarballs)
        {
            var started = time.GetUtcNow();
            var result = await pipeline.InstallAsync(tarball, null, "apps_to_install", cancellationToken);
            var status = new FetchStatus(
                "apps_to_install", "install", Path.GetFileName(tarball), result.App, result.Version, result.Status, result.Reason,
                result.ExitCode, result.Output, result.Sha256, started, time.GetUtcNow());
            state.PendingStatus.Enqueue(status);
            statuses.Add(status);
        }

        await AtomicFile.WriteAsync(marker, "done\n", cancellationToken);
        return statuses;
    }
}
