extern alias devicesdk;

using System.Text.Json;
using devicesdk::Outpost.Device;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Commands;
using Outpost.Protocol.Reports;

namespace Outpost.Cloud.Simulator;

/// <summary>
/// The I/O shell of one simulated gateway: activation, <c>device_info</c>, the engine_fetch loop and the report loop,
/// over the shared <see cref="DeviceClient"/> plumbing. Async only (no thread of its own): 10,000 of these are 10,000
/// small state machines waiting on sockets and timers.
/// </summary>
/// <remarks>
/// The engine_fetch loop follows gwe's: poll inclusive of the last handled command's second (a fresh gateway: from the
/// epoch, so a command written before its first poll is not missed), skip the value already handled, and for three
/// rounds after a command poll with a short wait, because the cloud's timestamps have one-second resolution.
/// The cursor lives across offline spells, so a command written while a gateway was silent runs when it is back.
/// </remarks>
internal sealed class GatewayRunner(SimulatedGateway core, DeviceClient client, SimulatorOptions options, FleetStats stats, TimeProvider clock, Random random, bool flaky)
{
    private static readonly TimeSpan SameSecondWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    private volatile int _phase = (int)GatewayPhase.Waiting;
    private (DateTimeOffset Timestamp, string Value)? _cursor;
    private int _sameSecondRounds;

    public SimulatedGateway Core => core;

    public GatewayPhase Phase => (GatewayPhase)_phase;

    /// <summary>Runs the gateway until <paramref name="cancellationToken"/> fires; never throws for that.</summary>
    public async Task RunAsync(TimeSpan startDelay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(startDelay, clock, cancellationToken);
            if (!await ActivateAsync(cancellationToken))
            {
                return;
            }

            await WriteWithRetryAsync(GatewayAliases.DeviceInfo, JsonSerializer.Serialize(core.Info(), ReportsJsonContext.Default.DeviceInfo), cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                // A flaky gateway's online spell ends on the clock; a steady one's only with the run.
                using var spell = new CancellationTokenSource(
                    flaky ? options.OfflineSpell.Pick(random.NextDouble()) * (1 + (3 * random.NextDouble())) : Timeout.InfiniteTimeSpan, clock);
                using var online = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, spell.Token);

                SetPhase(GatewayPhase.Online);
                await Task.WhenAll(FetchLoopAsync(online.Token, cancellationToken), ReportLoopAsync(random.NextDouble(), online.Token));
                cancellationToken.ThrowIfCancellationRequested(); // Stopped, not offline: the summary keeps the last phase.
                SetPhase(GatewayPhase.Offline);
                await Task.Delay(options.OfflineSpell.Pick(random.NextDouble()), clock, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: the run is over.
        }
    }

    private async Task<bool> ActivateAsync(CancellationToken cancellationToken)
    {
        SetPhase(GatewayPhase.Activating);
        while (true)
        {
            try
            {
                var result = await client.ActivateAsync(options.ProductId, options.ProductId, core.Serial, cancellationToken);
                if (result.Activated)
                {
                    stats.OnActivated();
                    return true;
                }

                stats.OnError(result.Status == ActivationStatus.AlreadyActivated
                    ? $"{core.Serial} is already activated (its CIK belongs to an earlier run): use another --serial-prefix"
                    : $"{core.Serial} may not activate in product {options.ProductId}");
                SetPhase(GatewayPhase.Failed);
                return false;
            }
            catch (DeviceApiException ex) when (ex.Kind == DeviceErrorKind.Unavailable)
            {
                // The server is overloaded or restarting: a real gateway keeps trying.
                stats.OnError(ex.Message);
                await Task.Delay(RetryDelay, clock, cancellationToken);
            }
        }
    }

    private async Task FetchLoopAsync(CancellationToken online, CancellationToken cancellationToken)
    {
        while (!online.IsCancellationRequested)
        {
            try
            {
                if (_cursor is not { } cursor || _sameSecondRounds > 0)
                {
                    _sameSecondRounds = Math.Max(0, _sameSecondRounds - 1);
                    var since = _cursor?.Timestamp ?? DateTimeOffset.UnixEpoch.AddSeconds(1);
                    var latest = await client.WaitAsync(GatewayAliases.EngineFetch, _cursor is null ? options.LongPollTimeout : SameSecondWait, since, online);
                    if (latest.Changed && !IsHandled(latest, since))
                    {
                        await HandleAsync(latest, since, cancellationToken);
                    }

                    continue;
                }

                var next = await client.WaitAsync(GatewayAliases.EngineFetch, options.LongPollTimeout, cursor.Timestamp.AddSeconds(1), online);
                if (next.Changed)
                {
                    await HandleAsync(next, cursor.Timestamp.AddSeconds(1), cancellationToken);
                }
            }
            catch (OperationCanceledException) when (online.IsCancellationRequested)
            {
                return; // Going offline (or Ctrl-C, which the caller sees).
            }
            catch (DeviceApiException ex)
            {
                stats.OnError(ex.Message);
                try
                {
                    await Task.Delay(RetryDelay, clock, online);
                }
                catch (OperationCanceledException) when (online.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private bool IsHandled(WaitResult result, DateTimeOffset since) =>
        _cursor is { } cursor && cursor.Timestamp == (result.Timestamp ?? since) && string.Equals(cursor.Value, result.Value, StringComparison.Ordinal);

    /// <summary>
    /// Why each install target could not be fetched, by name (none: null). The real gwe downloads each tarball and fails
    /// on a missing one; the simulator asks for its info instead (no bytes), so a rollout of a misspelt name fails here
    /// as in the field.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>?> DownloadFailuresAsync(CommandPlan plan, CancellationToken cancellationToken)
    {
        if (plan.Command is not { Verb: EngineVerb.Install } command)
        {
            return null;
        }

        Dictionary<string, string>? failures = null;
        foreach (var target in command.Targets)
        {
            string? why;
            try
            {
                why = await client.ContentInfoAsync(target.Name, cancellationToken) is null ? $"no content '{target.Name}' in the product's content area" : null;
            }
            catch (Exception ex) when (ex is DeviceApiException or HttpRequestException)
            {
                why = ex.Message.ReplaceLineEndings(" ");
            }

            if (why is not null)
            {
                (failures ??= new Dictionary<string, string>(StringComparer.Ordinal))[target.Name] = $"download of {target.Name} failed: {why}";
            }
        }

        return failures;
    }

    private async Task HandleAsync(WaitResult result, DateTimeOffset fallback, CancellationToken cancellationToken)
    {
        // The cursor moves first: whatever happens next, this command is not run twice.
        _cursor = (result.Timestamp ?? fallback, result.Value!);
        _sameSecondRounds = 3;
        stats.OnCommand();
        var plan = SimulatedGateway.Plan(result.Value!, GatewayRolls.Draw(random, options.Latency));
        var started = clock.GetUtcNow();
        var downloadFailures = await DownloadFailuresAsync(plan, cancellationToken);
        if (plan.Delay > TimeSpan.Zero)
        {
            // An install runs to its end even if an offline spell begins meanwhile (gwe finishes what it started).
            SetPhase(GatewayPhase.Installing);
            await Task.Delay(plan.Delay, clock, cancellationToken);
            SetPhase(GatewayPhase.Online);
        }

        foreach (var status in core.Apply(plan, started, clock.GetUtcNow(), downloadFailures))
        {
            await WriteWithRetryAsync(GatewayAliases.FetchStatus, JsonSerializer.Serialize(status, ReportsJsonContext.Default.FetchStatus), cancellationToken);
            stats.OnStatus(status.Status);
        }

        // As gwe: every command is followed by a fresh engine_report, so watchers see the new state at once.
        await WriteWithRetryAsync(GatewayAliases.EngineReport, EngineReportJson(), cancellationToken);
        stats.OnReport();
    }

    private async Task ReportLoopAsync(double phase, CancellationToken online)
    {
        try
        {
            // A random phase in the interval, so 10,000 gateways do not report in the same instant.
            await Task.Delay(options.ReportInterval * phase, clock, online);
            while (!online.IsCancellationRequested)
            {
                var usage = client.Bandwidth.Reset();
                var usageReport = SimulatedGateway.Usage(
                    options.ReportInterval, usage.Values.Sum(u => u.BytesSent), usage.Values.Sum(u => u.BytesReceived), usage.Values.Sum(u => u.Requests));
                try
                {
                    await client.WriteAsync(
                        new Dictionary<string, string>(2, StringComparer.Ordinal)
                        {
                            [GatewayAliases.EngineReport] = EngineReportJson(),
                            [GatewayAliases.UsageReport] = JsonSerializer.Serialize(usageReport, ReportsJsonContext.Default.UsageReport),
                        },
                        online);
                    stats.OnReport();
                }
                catch (DeviceApiException ex)
                {
                    stats.OnError(ex.Message);
                }

                await Task.Delay(options.ReportInterval, clock, online);
            }
        }
        catch (OperationCanceledException) when (online.IsCancellationRequested)
        {
            // Offline spell or Ctrl-C.
        }
    }

    private string EngineReportJson() => JsonSerializer.Serialize(core.Report(clock.GetUtcNow()), ReportsJsonContext.Default.EngineReport);

    private async Task WriteWithRetryAsync(string alias, string value, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await client.WriteAsync(alias, value, cancellationToken);
                return;
            }
            catch (DeviceApiException ex) when (ex.Kind == DeviceErrorKind.Unavailable)
            {
                // fetch_status must arrive: the rollout engine waits for it. Keep trying like gwe's pending queue.
                stats.OnError(ex.Message);
                await Task.Delay(RetryDelay, clock, cancellationToken);
            }
            catch (DeviceApiException ex)
            {
                stats.OnError(ex.Message);
                return;
            }
        }
    }

    private void SetPhase(GatewayPhase phase) => _phase = (int)phase;
}
