using Microsoft.Extensions.Logging;

namespace Outpost.Cloud.Rules;

/// <summary>
/// Ticks the rules engine's absence check (offline detection) every few seconds of the injected clock, so tests
/// move a fake clock past N × update_interval instead of waiting.
/// </summary>
internal sealed class AbsenceMonitor(RuleEngine engine, TimeProvider clock, ILogger<AbsenceMonitor> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await engine.CheckAbsenceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    RulesLog.AbsenceFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
