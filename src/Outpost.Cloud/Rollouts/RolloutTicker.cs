using Microsoft.Extensions.Logging;

namespace Outpost.Cloud.Rollouts;

/// <summary>Gives rollouts the passing of time (dispatch, timeouts, soak) once a second. The singleton work of a node.</summary>
internal sealed class RolloutTicker(RolloutEngine engine, TimeProvider clock, ILogger<RolloutTicker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await engine.TickAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    RolloutLog.TickFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
