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
    CloudOptions options,
    ILogger<WritePath> logger) : IHostedService
{
    private const int MaxGroup = 2048;

    /// <summary>The longest the writer waits for the writers of its last group to come back (see <see cref="GatherGroup"/>).</summary>
    private static readonly TimeSpan MaxGather = TimeSpan.FromMilliseconds(1);

    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set by the write that brings the queue to <see cref="_gatherTarget"/>; the writer blocks on it, never spins.</summary>
    private readonly ManualResetEventSlim _gathered = new(initialState: false, spinCount: 0);

    /// <summary>Writes in the queue; the single-reader channel cannot count them itself.</summary>
    private int _queued;

    /// <summary>How many queued writes the gathering writer waits for; <see cref="int.MaxValue"/> when not gathering.</summary>
    private int _gatherTarget = int.MaxValue;

    /// <summary>Validates and durably commits <paramref name="points"/> for a device of <paramref name="product"/>.</summary>
    /// <param name="serial">The device's serial, for the events of this write.</param>
    /// <param name="kind">The event kind: write, record or batch (<see cref="EventKinds"/>).</param>
    /// <param name="source">Who writes; anyone but the device itself may only write settable aliases.</param>
    public async Task<WriteOutcome> WriteAsync(
        Product product,
        long deviceId,
        string serial,
        IReadOnlyList<ValuePoint> points,
        IReadOnlyList<string>? messageIds,
        string kind,
        WriteSource source,
        CancellationToken cancellationToken)
    {
        var rejection = WriteValidator.Validate(product, points, fromCloud: source != WriteSource.Device,
            clock.GetUtcNow().ToUnixTimeMilliseconds(), options.MaxClockSkew);
        if (rejection is not null)
        {
            return rejection;
        }

        var pending = new PendingWrite(new WriteBatch(product.Id, deviceId, points, kind, source, messageIds), serial);
        var queued = Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(pending))
        {
            Interlocked.Decrement(ref _queued);
            return WriteOutcome.Rejected(503, "the server is shutting down");
        }

        if (queued >= Volatile.Read(ref _gatherTarget))
        {
            _gathered.Set();
        }

        // Not cancellable: a write accepted into the group is committed whether or not its caller is still there, and
        // the wait is one commit long. (A cancellable wait registered a callback on every request's abort token.)
        var stored = await pending.Done.Task;
        return new WriteOutcome(204, null, stored);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // A thread of its own, not a pool thread: the writer spends most of each commit blocked in fsync, and a
        // blocked pool thread on a 2-core machine makes the pool start more threads for the requests.
        new Thread(Run) { IsBackground = true, Name = "Outpost write path" }.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Writes already queued are committed before the store closes: in-flight requests finish.
        _queue.Writer.TryComplete();
        await _writerDone.Task.WaitAsync(cancellationToken);
    }

    private void Run()
    {
        try
        {
            Commit();
        }
        finally
        {
            _writerDone.TrySetResult();
        }
    }

    private void Commit()
    {
        var group = new List<PendingWrite>(MaxGroup);
        var batches = new List<WriteBatch>(MaxGroup);
        var lastGroup = 0;
        while (WaitToRead())
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
                // SQLite commits synchronously on this thread; a store that does not completes before the next group.
                var stored = store.CommitAsync(batches, clock.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None).GetAwaiter().GetResult();
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Done.TrySetResult(stored[i]);
                }

                events.Appended(Events(group, stored, store.LastEventOffset));
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

    /// <summary>Blocks the writer thread until a write is queued; false once the queue is completed and empty.</summary>
    private bool WaitToRead()
    {
        var wait = _queue.Reader.WaitToReadAsync();
        return wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Gives the clients just answered a moment to send their next write before the next commit starts.
    /// </summary>
    /// <remarks>
    /// Under steady load the clients acknowledged by one commit send their next write within a fraction of a
    /// millisecond. Starting the next commit with only the first few of them makes all the others wait a whole
    /// fsync more, so each client gets one write per two commits, and every write pays a larger share of an fsync.
    /// When the last group was large and the queue is still far smaller, block (no spinning: on a small machine the
    /// CPU is needed by the requests being gathered) until the write that brings the queue to about as many sets
    /// <see cref="_gathered"/>, for at most a millisecond — a fraction of one fsync. A lone writer (group of one or a
    /// few) never waits. Only when a commit starts changes; every write is still acknowledged after its commit.
    /// </remarks>
    private void GatherGroup(int lastGroup)
    {
        if (lastGroup < 8)
        {
            return;
        }

        _gathered.Reset();
        // Full fences on both sides (Interlocked here and in WriteAsync): either the writer sees the write that
        // reached the target, or that write sees the target and sets the event.
        Interlocked.Exchange(ref _gatherTarget, Math.Min(MaxGroup, lastGroup * 3 / 4));
        if (Volatile.Read(ref _queued) < _gatherTarget)
        {
            _gathered.Wait(MaxGather);
        }

        Interlocked.Exchange(ref _gatherTarget, int.MaxValue);
    }

    /// <summary>The events one commit appended: one per stored point, in batch order, ending at <paramref name="lastOffset"/>.</summary>
    private static List<DeviceEvent> Events(List<PendingWrite> group, IReadOnlyList<IReadOnlyList<ValuePoint>> stored, long lastOffset)
    {
        var count = 0;
        foreach (var points in stored)
        {
            count += points.Count;
        }

        var events = new List<DeviceEvent>(count);
        var offset = lastOffset - count;
        for (var i = 0; i < group.Count; i++)
        {
            var batch = group[i].Batch;
            var source = WriteSourceText.Of(batch.Source);
            foreach (var point in stored[i])
            {
                events.Add(new DeviceEvent(++offset, batch.ProductId, group[i].Serial, point.Alias, point.Value, point.TimestampMs, batch.Kind, source));
            }
        }

        return events;
    }

    private sealed class PendingWrite(WriteBatch batch, string serial)
    {
        public WriteBatch Batch { get; } = batch;

        public string Serial { get; } = serial;

        public TaskCompletionSource<IReadOnlyList<ValuePoint>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
