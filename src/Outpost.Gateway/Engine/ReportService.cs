using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Device;
using Outpost.Gateway.Apps;
using Outpost.Gateway.Supervisor;
using Outpost.Gateway.Telemetry;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Reports;

namespace Outpost.Gateway.Engine;

/// <summary>
/// The report loop: <c>device_info</c> on start and whenever its stable part changes, <c>engine_report</c> and
/// <c>usage_report</c> every update_interval, and at once when asked (report command, after every command).
/// </summary>
/// <remarks>
/// <code>
///  1. wait for start-up and activation
///  2. collect device_info; write it if it differs from the last one written
///  3. write engine_report + usage_report in one request
///  4. sleep until last-sent + update_interval, woken early by RequestReport (→ 2) or a new interval (→ re-arm, 4);
///     when the report caught an app mid-change (STARTING, BACKOFF, STOPPING — after a restart or an install), sleep
///     only SettleDelay, up to MaxSettleReports times in a row, so the cloud does not show it STARTING for a whole
///     update_interval (four hours by default)
/// </code>
/// </remarks>
internal sealed class ReportService(
    EngineState state,
    AppInventory inventory,
    ISupervisor supervisor,
    IGmqStatistics gmq,
    TimeProvider time,
    ILogger<ReportService> logger) : BackgroundService
{
    /// <summary>How soon a report that caught an app mid-change is followed by another.</summary>
    public static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(5);

    /// <summary>How many such follow-ups in a row, at most (a crash-looping app must not turn reports into a stream).</summary>
    public const int MaxSettleReports = 3;

    private readonly UsageCollector _usage = new(time);
    private string? _lastDeviceInfo;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await state.WhenReadyAsync(stoppingToken);
        await state.WhenActivatedAsync(stoppingToken);
        var settleReports = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var sentAt = time.GetTimestamp();
            var settling = false;
            try
            {
                settling = await SendAsync(stoppingToken) && settleReports < MaxSettleReports;
            }
            catch (Exception ex) when (ex is DeviceApiException or HttpRequestException or IOException)
            {
                logger.ReportFailed("report", ex.Message, TimeSpan.FromSeconds(state.Config.UpdateInterval));
            }

            settleReports = settling ? settleReports + 1 : 0;
            while (true)
            {
                var period = TimeSpan.FromSeconds(state.Config.UpdateInterval);
                var due = (settling && SettleDelay < period ? SettleDelay : period) - time.GetElapsedTime(sentAt);
                if (due <= TimeSpan.Zero)
                {
                    break;
                }

                await state.Wake.WaitAsync(due, time, stoppingToken);
                if (state.TakeReportRequest())
                {
                    break;
                }
            }
        }
    }

    /// <summary>Collects and writes every report now; returns whether an app was caught mid-change (STARTING, …).</summary>
    public async Task<bool> SendAsync(CancellationToken cancellationToken)
    {
        var info = DeviceInfoCollector.Collect();
        var stable = JsonSerializer.Serialize(DeviceInfoCollector.Stable(info), ReportsJsonContext.Default.DeviceInfo);
        if (stable != _lastDeviceInfo)
        {
            await state.Client.WriteAsync(GatewayAliases.DeviceInfo, JsonSerializer.Serialize(info, ReportsJsonContext.Default.DeviceInfo), cancellationToken);
            _lastDeviceInfo = stable;
            logger.DeviceInfoWritten();
        }

        var programs = await supervisor.GetStatusAsync(cancellationToken);
        var engine = EngineReportBuilder.Build(time.GetElapsedTime(state.StartedAt), inventory.Apps, programs, gmq.Current, gmq.Link);
        var usage = _usage.Collect(state.MergedBandwidth(), gmq.Bandwidth);
        await state.Client.WriteAsync(
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [GatewayAliases.EngineReport] = JsonSerializer.Serialize(engine, ReportsJsonContext.Default.EngineReport),
                [GatewayAliases.UsageReport] = JsonSerializer.Serialize(usage, ReportsJsonContext.Default.UsageReport),
            },
            cancellationToken);
        logger.ReportsSent();
        return programs.Any(p => p.State is ProcessState.Starting or ProcessState.Backoff or ProcessState.Stopping);
    }
}
