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
///  4. sleep until last-sent + update_interval, woken early by RequestReport (→ 2) or a new interval (→ re-arm, 4)
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
    private readonly UsageCollector _usage = new(time);
    private string? _lastDeviceInfo;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await state.WhenReadyAsync(stoppingToken);
        await state.WhenActivatedAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var sentAt = time.GetTimestamp();
            try
            {
                await SendAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is DeviceApiException or HttpRequestException or IOException)
            {
                logger.LoopFailed(ex, "report", TimeSpan.FromSeconds(state.Config.UpdateInterval));
            }

            while (true)
            {
                var due = TimeSpan.FromSeconds(state.Config.UpdateInterval) - time.GetElapsedTime(sentAt);
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

    /// <summary>Collects and writes every report now.</summary>
    public async Task SendAsync(CancellationToken cancellationToken)
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
        var usage = _usage.Collect(state.Client.Bandwidth, gmq.Bandwidth);
        await state.Client.WriteAsync(
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [GatewayAliases.EngineReport] = JsonSerializer.Serialize(engine, ReportsJsonContext.Default.EngineReport),
                [GatewayAliases.UsageReport] = JsonSerializer.Serialize(usage, ReportsJsonContext.Default.UsageReport),
            },
            cancellationToken);
        logger.ReportsSent();
    }
}
