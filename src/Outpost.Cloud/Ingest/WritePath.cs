using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Outpost.Cloud.Registry;
using Outpost.Cloud.Stream;

namespace Outpost.Cloud.Ingest;

/// <summary>
/// The write path: the only way values enter the store. The device API, the batch endpoint, management writes
/// (command &amp; control), and later rules and the rollout engine all call <see cref="WriteAsync"/>.
/// </summary>
/// <remarks>
/// <code>
///  request ──validate──▶ channel ──▶ single writer: take everything queued (≤ MaxGroup)
///                                      1. one transaction: samples + latest + events (+ message ids)
///                                      2. commit = one fsync for the whole group
///                                      3. complete each request (its 204 may now go out)
///                                      4. publish to the change notifier (long polls wake) and the event stream (consumers wake)
/// </code>
/// Group commit is what lets durable writes run near the speed of a bare endpoint: while one group is being
/// fsynced the next one gathers. A request is acknowledged only after step 2, so a 2xx survives <c>kill -9</c>.
/// </remarks>
internal sealed class WritePath(
    IValueStore store,
    IChangeNotifier notifier,
    IEventStream events,
    TimeProvider clock,
    ILogger<WritePath> logger) : IHostedService
{
    private const int MaxGroup = 2048;

    /// <summary>The longest the writer waits for the writers of its last group to come back (see <see cref="GatherGroup"/>).</summary>
    private static readonly long MaxGatherTicks = Stopwatch.Frequency / 1000;

    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private Task? _writer;

    /// <summary>Writes in the queue; the single-reader channel cannot count them itself.</summary>
    private int _queued;

    /// <summary>Validates and durably commits <paramref name="points"/> for a device of <paramref name="product"/>.</summary>
    /// <param name="kind">The event kind: write, record or batch (<see cref="EventKinds"/>).</param>
    /// <param name="source">Who writes; anyone but the device itself may only write settable aliases.</param>
    public async Task<WriteOutcome> WriteAsync(
        Product product,
        long deviceId,
        IReadOnlyList<ValuePoint> points,
        IReadOnlyList<string>? messageIds,
        string kind,
        WriteSource source,
        CancellationToken cancellationToken)
    {
        var rejection = WriteValidator.Validate(product, points, fromCloud: source != WriteSource.Device);
        if (rejection is not null)
        {
            return rejection;
        }

        var pending = new PendingWrite(new WriteBatch(product.Id, deviceId, points, kind, source, messageIds));
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(pending))
        {
            Interlocked.Decrement(ref _queued);
            return WriteOutcome.Rejected(503, "the server is shutting down");
        }

        // The commit goes on even if this caller gives up: a write accepted into the group is never half-done.
        var stored = await pending.Done.Task.WaitAsync(cancellationToken);
        return new WriteOutcome(204, null, stored);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writer = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Writes already queued are committed before the store closes: in-flight requests finish.
        _queue.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer.WaitAsync(cancellationToken);
        }
    }

    private async Task RunAsync()
    {
        var group = new List<PendingWrite>(MaxGroup);
        var batches = new List<WriteBatch>(MaxGroup);
        var lastGroup = 0;
        while (await _queue.Reader.WaitToReadAsync())
        {
            GatherGroup(lastGroup);
            group.Clear();
            batches.Clear();
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var pending))
            {
                Interlocked.Decrement(ref _queued);
                group.Add(pending);
                batches.Add(pending.Batch);
            }

            lastGroup = group.Count;
            try
            {
                var stored = await store.CommitAsync(batches, clock.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Done.TrySetResult(stored[i]);
                }

                events.Appended();
                for (var i = 0; i < group.Count; i++)
                {
                    foreach (var point in stored[i])
                    {
                        notifier.Publish(group[i].Batch.DeviceId, point.Alias, point.TimestampMs);
                    }
                }
            }
            catch (Exception ex)
            {
                IngestLog.CommitFailed(logger, group.Count, ex);
                foreach (var pending in group)
                {
                    pending.Done.TrySetException(new InvalidOperationException("the store could not commit the write", ex));
                }
            }
        }
    }

    /// <summary>
    /// Gives the clients just answered a moment to send their next write before the next commit starts.
    /// </summary>
    /// <remarks>
    /// Under steady load the clients acknowledged by one commit send their next write within a fraction of a
    /// millisecond. Starting the next commit with only the first few of them makes all the others wait a whole
    /// fsync more, so each client gets one write per two commits. When the last group was large and the queue
    /// is still far smaller, wait (yielding the CPU to the request threads that produce the writes) until about
    /// as many are queued, for at most a millisecond — a fraction of one fsync. A lone writer (group of one or a
    /// few) never waits. Only when a commit starts changes; every write is still acknowledged after its commit.
    /// </remarks>
    private void GatherGroup(int lastGroup)
    {
        if (lastGroup < 8)
        {
            return;
        }

        var wanted = Math.Min(MaxGroup, lastGroup * 3 / 4);
        var started = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _queued) < wanted && Stopwatch.GetTimestamp() - started < MaxGatherTicks)
        {
            Thread.Yield();
        }
    }

    private sealed class PendingWrite(WriteBatch batch)
    {
        public WriteBatch Batch { get; } = batch;

        public TaskCompletionSource<IReadOnlyList<ValuePoint>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
