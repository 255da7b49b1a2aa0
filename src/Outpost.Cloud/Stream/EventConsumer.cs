using Microsoft.Extensions.Logging;

namespace Outpost.Cloud.Stream;

/// <summary>
/// Base of the event stream's consumers (derived series, rules, webhooks, the rollout engine).
/// </summary>
/// <remarks>
/// 1. Start from the consumer's durable offset. 2. Read a batch after it. 3. Handle it. 4. Commit the new offset.
/// 5. When caught up, wait for the next append (no polling). A handler that throws is retried from the same offset
/// after a pause, so delivery is at-least-once and a failing consumer never blocks ingestion (load levelling).
/// </remarks>
internal abstract class EventConsumer(IEventStream stream, TimeProvider clock, ILogger logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    /// <summary>The consumer's name: the key of its durable offset.</summary>
    protected abstract string Name { get; }

    /// <summary>Events per batch.</summary>
    protected virtual int BatchSize => 500;

    /// <summary>Handles one batch, oldest first. Must be idempotent: after a crash a batch may come again.</summary>
    protected abstract Task HandleAsync(IReadOnlyList<DeviceEvent> events, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var offset = await stream.GetOffsetAsync(Name, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            // Take the wake-up task before reading, so an append in between is not missed.
            var next = stream.NextAppendAsync();
            IReadOnlyList<DeviceEvent> batch;
            try
            {
                batch = await stream.ReadAsync(offset, BatchSize, null, stoppingToken);
                if (batch.Count > 0)
                {
                    await HandleAsync(batch, stoppingToken);
                    offset = batch[^1].Offset;
                    await stream.CommitOffsetAsync(Name, offset, stoppingToken);
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                StreamLog.ConsumerFailed(logger, Name, offset, ex);
                await Task.Delay(RetryAfterFailure, clock, stoppingToken).ContinueWith(static _ => { }, TaskScheduler.Default);
                continue;
            }

            try
            {
                await next.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        StreamLog.ConsumerStopped(logger, Name, offset);
    }
}
