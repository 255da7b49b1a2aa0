using Microsoft.Extensions.Logging;

namespace Outpost.Cloud.Stream;

/// <summary>
/// Keeps the event stream transient: every hour drops events older than the retention window that every consumer
/// has already passed (a lagging consumer keeps its events).
/// </summary>
internal sealed class EventRetention(IEventStream stream, CloudOptions options, TimeProvider clock, ILogger<EventRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        try
        {
            do
            {
                try
                {
                    var cutoff = (clock.GetUtcNow() - options.EventRetention).ToUnixTimeMilliseconds();
                    var trimmed = await stream.TrimAsync(cutoff, stoppingToken);
                    if (trimmed > 0)
                    {
                        StreamLog.Trimmed(logger, trimmed);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    StreamLog.TrimFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
