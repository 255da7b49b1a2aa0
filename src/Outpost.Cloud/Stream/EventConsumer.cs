using Microsoft.Extensions.Logging;

namespace Outpost.Cloud.Stream;

/// <summary>
/// Base of the event stream's consumers (derived series, rules, webhooks, the rollout engine).
/// </summary>
/// <remarks>
/// 1. Start from the consumer's durable offset. 2. Read a batch after it. 3. Handle it. 4. Commit the new offset (at
/// most once a second, when caught up and quiet, and at a clean stop). 5. When caught up, wait for the next append (no
/// polling). A handler that throws is retried from the same offset after a pause, so delivery is at-least-once and a
/// failing consumer never blocks ingestion (load levelling).
/// </remarks>
internal abstract class EventConsumer(IEventStream stream, TimeProvider clock, ILogger logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a handled offset may go unstored. Storing it after every batch was a write transaction per group the
    /// write path commits, each waiting for (and holding up) the write lock; delivery is at-least-once, so after a
    /// crash the consumer handles up to this much again, which its idempotent handler allows.
    /// </summary>
    private static readonly TimeSpan OffsetCommitInterval = TimeSpan.FromSeconds(1);

    /// <summary>The consumer's name: the key of its durable offset.</summary>
    protected abstract string Name { get; }

    /// <summary>Events per batch.</summary>
    protected virtual int BatchSize => 500;

    /// <summary>Handles one batch, oldest first. Must be idempotent: after a crash a batch may come again.</summary>
    protected abstract Task HandleAsync(IReadOnlyList<DeviceEvent> events, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var offset = await stream.GetOffsetAsync(Name, stoppingToken);
        var started = offset;
        var committed = offset;
        var committedAt = clock.GetTimestamp();
        Task? quiet = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Take the wake-up task before reading, so an append in between is not missed.
            var next = stream.NextAppendAsync();
            try
            {
                var batch = await stream.ReadAsync(offset, BatchSize, null, stoppingToken);
                if (batch.Count > 0)
                {
                    await HandleAsync(batch, stoppingToken);
                    offset = batch[^1].Offset;
                    if (clock.GetElapsedTime(committedAt) >= OffsetCommitInterval)
                    {
                        await StoreOffsetAsync(stoppingToken);
                    }

                    continue;
                }

                if (committed != offset)
                {
                    // Caught up with an offset not yet stored: store it once the stream has been quiet for a moment.
                    // One timer per quiet spell, not one per append.
                    quiet ??= Task.Delay(OffsetCommitInterval, clock, stoppingToken);
                    if (await Task.WhenAny(next, quiet) == next)
                    {
                        continue;
                    }

                    await StoreOffsetAsync(stoppingToken);
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

        if (committed != offset)
        {
            // A clean stop stores where the consumer got to, so the next start does not handle that tail again.
            await StoreOffsetAsync(CancellationToken.None);
        }

        // Said only when it moved: a node that stops before handling anything (a start that could not bind its port,
        // a quiet run) has nothing to report, and those lines buried the one line that said why the start failed.
        if (offset != started)
        {
            StreamLog.ConsumerStopped(logger, Name, started, offset);
        }

        async Task StoreOffsetAsync(CancellationToken cancellationToken)
        {
            await stream.CommitOffsetAsync(Name, offset, cancellationToken);
            (committed, committedAt, quiet) = (offset, clock.GetTimestamp(), null);
        }
    }
}
