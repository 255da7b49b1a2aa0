using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Outpost.Gateway.Queue;

/// <summary>
/// GMQ's durable, bounded store-and-forward queue: nothing an app hands it is lost, and nothing is forwarded twice.
/// </summary>
/// <remarks>
/// <para>
/// Callers: the GMQ HTTP front (<see cref="EnqueueAsync"/>, answering <c>204</c> only once that completes), the forwarder
/// (<see cref="PeekBatchAsync"/> → send to the cloud's idempotent batch endpoint → <see cref="AckAsync"/>, or
/// <see cref="DeadLetterAsync"/> when the cloud rejects a device's CIK), the CLI (dead letters, retry, purge) and the reports
/// (<see cref="Statistics"/>).
/// </para>
/// <para>
/// Why SQLite (WAL, <c>synchronous=FULL</c>) rather than an append-only segment log: the forwarder acknowledges values
/// out of arrival order (fair share between devices, capture order per device+alias, dead letters moved per device),
/// so a log would need tombstones, per-device indexes and compaction — a small database engine of our own. SQLite gives
/// all of that, crash recovery, and one fsync per commit (group commit makes that one fsync per many values); it is
/// already a dependency, and the benchmark shows the queue within reach of a raw batched insert loop on the same disk.
/// </para>
/// <code>
///  callers ──EnqueueAsync──┐        ┌─ single writer loop ───────────────────────────────────────────────┐
///  callers ──EnqueueAsync──┼─Channel─▶ 1. drain every waiting enqueue request (≤ MaxGroupValues values)  │
///  forwarder ─Peek/Ack─────┘        │ 2. BEGIN; check bounds → drop oldest / refuse; INSERT each value     │
///                                   │ 3. save totals if a drop or refusal changed them; COMMIT = one fsync │
///                                   │ 4. hand the group's results to one pool work item, which completes   │
///                                   │    each caller's TaskCompletionSource (ids or refusal) in turn       │
///                                   │ 5. other requests (peek, ack, dead letters) run one by one, each in  │
///                                   │    its own transaction, in channel order                             │
///                                   └───────────────────────────────────────────────────────────────────────┘
/// </code>
/// <para>
/// One loop owns the connection and the in-memory accounting (bytes per device, totals), so neither needs a lock, and
/// bounds are checked without scanning the table.
/// </para>
/// </remarks>
internal sealed class MessageQueue : IAsyncDisposable
{
    /// <summary>The longest a group commit waits for more writers (see <see cref="WaitForMoreWriters"/>).</summary>
    public static readonly TimeSpan MaxCoalesceWait = TimeSpan.FromMilliseconds(1);

    /// <summary>The largest value accepted, in bytes of UTF-8 (64 KiB, as the device API allows).</summary>
    public const int MaxValueBytes = 64 * 1024;

    /// <summary>The longest alias accepted, in bytes of UTF-8.</summary>
    public const int MaxAliasBytes = 256;

    /// <summary>The longest device key accepted, in bytes of UTF-8.</summary>
    public const int MaxDeviceKeyBytes = 512;

    /// <summary>Counted per value on top of its strings: the row's integers and its index entries, roughly.</summary>
    public const int RowOverheadBytes = 48;

    // Lone surrogates cannot be stored byte-exact, so they are refused rather than silently replaced.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly QueueOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly QueueStore _store;
    private readonly string _instance;
    private readonly string _directory;
    private readonly Channel<QueueRequest> _requests;
    private readonly Task _loop;
    private int _disposed;

    // Owned by the writer loop (and the constructor before the loop starts).
    private QueueCounters _counters = new();
    private Dictionary<string, DeviceBacklog> _backlog = new(StringComparer.Ordinal);
    private long _depth;
    private long _bytes;
    private long _deadLetters;
    private long? _oldestEnqueuedAtMs;
    private bool _oldestStale;
    private string? _lastLeadDevice;
    private long _nextSweepAtMs;
    private long _commits;
    private long _committedValues;
    private long _commitTicks;
    private long _recentCommitTicks;
    private double _recentWriters;
    private long _lastCommitEndedAt;

    private volatile QueueStatistics _published = null!;

    // Group-commit coalescing (see WaitForMoreWriters): how many requests the waiting writer loop still expects (0: it
    // is not waiting), and the event the submitter that completes the expected group sets.
    private readonly ManualResetEventSlim _groupComplete = new(initialState: false, spinCount: 0);
    private int _awaitedRequests;

    private MessageQueue(QueueOptions options, TimeProvider time, ILogger logger, QueueStore store)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _store = store;
        _directory = Path.GetDirectoryName(Path.GetFullPath(options.Path))!;
        (_instance, _) = store.LoadMeta();
        ReloadState();
        Publish();

        // Bounded so a flood of writers waits for the disk instead of filling memory.
        _requests = Channel.CreateBounded<QueueRequest>(new BoundedChannelOptions(16_384)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunLoopAsync);
    }

    /// <summary>The latest totals; cheap, safe from any thread, never blocks on the disk.</summary>
    public QueueStatistics Statistics
    {
        get
        {
            var snapshot = _published;
            if (snapshot.OldestEnqueuedAtMs is not { } oldest)
            {
                return snapshot;
            }

            var age = TimeSpan.FromMilliseconds(Math.Max(0, _time.GetUtcNow().ToUnixTimeMilliseconds() - oldest));
            return snapshot with { OldestAge = age };
        }
    }

    /// <summary>The queue file's identity: the prefix of every message id it issues.</summary>
    public string InstanceId => _instance;

    /// <summary>Commits so far in this process, and the values they carried: the achieved group-commit size.</summary>
    internal (long Commits, long Values) GroupCommits => (Interlocked.Read(ref _commits), Interlocked.Read(ref _committedValues));

    /// <summary>Time spent in group commits so far in this process (statements + fsync), for the benchmark.</summary>
    internal TimeSpan CommitTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _commitTicks));

    /// <summary>Opens (or creates) the queue file and starts its writer loop.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names every problem.</exception>
    public static Task<MessageQueue> OpenAsync(QueueOptions options, TimeProvider time, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid GMQ settings: " + string.Join(" ", errors), nameof(options));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var store = QueueStore.Open(options.Path);
        try
        {
            var queue = new MessageQueue(options, time, logger, store);
            var stats = queue._published;
            QueueLog.Opened(logger, options.Path, stats.Depth, stats.Bytes, stats.Devices, stats.DeadLetters);
            return Task.FromResult(queue);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Queues <paramref name="values"/> all-or-nothing; completes only once they are durably on disk (fsync'd).
    /// Concurrent callers share one commit.
    /// </summary>
    /// <remarks>Cancelling stops the wait, not the write: values already handed to the writer loop may still be committed.</remarks>
    public async Task<EnqueueResult> EnqueueAsync(IReadOnlyList<QueuedValue> values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return new EnqueueResult(EnqueueStatus.Accepted, []);
        }

        var prepared = new PreparedValue[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            if (Prepare(values[i]) is { } error)
            {
                return EnqueueResult.Refused(EnqueueStatus.Invalid, values.Count == 1 ? error : $"value {i + 1}: {error}");
            }

            prepared[i] = new PreparedValue(
                values[i].DeviceKey,
                values[i].Alias,
                values[i].CapturedAtMs,
                values[i].Value,
                values[i].Ttl is { } ttl ? (long)ttl.TotalMilliseconds : null,
                Size(values[i]));
        }

        var request = new EnqueueRequest(prepared);
        await SubmitAsync(request, cancellationToken);
        return await request.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The next values to forward: at most <paramref name="maxValues"/> and <paramref name="maxBytes"/> (but always at
    /// least one when any is waiting), in capture order per device, shared round-robin between devices. Nothing is
    /// removed: a batch peeked and never acknowledged is peeked again. Expired values met on the way are dropped.
    /// </summary>
    public Task<IReadOnlyList<QueuedMessage>> PeekBatchAsync(int maxValues, long maxBytes, CancellationToken cancellationToken = default) =>
        PeekBatchAsync(maxValues, maxBytes, new HashSet<string>(), cancellationToken);

    /// <summary>
    /// As <see cref="PeekBatchAsync(int, long, CancellationToken)"/>, leaving out the values of <paramref name="heldDevices"/>
    /// (devices the cloud asked to slow down): the others get the whole batch.
    /// </summary>
    public Task<IReadOnlyList<QueuedMessage>> PeekBatchAsync(int maxValues, long maxBytes, IReadOnlySet<string> heldDevices, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxValues, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentNullException.ThrowIfNull(heldDevices);
        return RunAsync(() => Peek(maxValues, maxBytes, heldDevices), cancellationToken);
    }

    /// <summary>Removes forwarded values for good; unknown or already removed ids are ignored. Returns how many were removed.</summary>
    public Task<int> AckAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        return RunAsync(() => Ack(messageIds), cancellationToken);
    }

    /// <summary>
    /// Drops every value whose TTL has run out, at most once per sweep interval (as the forwarder's peeks do); returns
    /// how many. Not due yet: nothing is written.
    /// </summary>
    public Task<long> SweepExpiredAsync(CancellationToken cancellationToken = default) =>
        RunAsync(() =>
        {
            var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
            return nowMs < _nextSweepAtMs ? 0 : InTransaction(() => Sweep(nowMs));
        }, cancellationToken);

    /// <summary>
    /// Sets aside queued values of <paramref name="deviceKey"/>: every one (e.g. its CIK was rejected), or only
    /// <paramref name="messageIds"/> (values the cloud refused one by one); returns how many.
    /// </summary>
    public Task<long> DeadLetterAsync(string deviceKey, string reason, IReadOnlyCollection<string>? messageIds = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceKey);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return RunAsync(() => InTransaction(() => DeadLetter(deviceKey, reason, messageIds)), cancellationToken);
    }

    /// <summary>The dead letters, grouped by device and reason.</summary>
    public Task<IReadOnlyList<DeadLetterSummary>> ListDeadLettersAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<DeadLetterSummary>>(_store.ListDeadLetters, cancellationToken);

    /// <summary>One device's dead letters one by one (capture order, the first <paramref name="limit"/>), with their message ids.</summary>
    public Task<IReadOnlyList<DeadLetterValue>> ListDeadLetterValuesAsync(string deviceKey, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return RunAsync<IReadOnlyList<DeadLetterValue>>(
            () => [.. _store.ListDeadLetterValues(deviceKey, limit).Select(v =>
                new DeadLetterValue(MessageId.Format(_instance, v.Sequence), deviceKey, v.Alias, v.CapturedAtMs, v.Bytes, v.Reason, v.DeadAtMs))],
            cancellationToken);
    }

    /// <summary>Puts dead letters (of one device, or all) back in the queue with their original ids; returns how many.</summary>
    public async Task<long> RetryDeadLettersAsync(string? deviceKey = null, CancellationToken cancellationToken = default) =>
        (await RetryDeadLettersAsync(new DeadLetterSelection(deviceKey), cancellationToken)).Count;

    /// <summary>
    /// Puts the selected dead letters back in the queue with their original ids. Named values must all be dead letters
    /// (of the named device), else nothing is requeued; a device with none requeues nothing (not an error: a retry of
    /// everything finds nothing too).
    /// </summary>
    public Task<DeadLetterChange> RetryDeadLettersAsync(DeadLetterSelection selection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return RunAsync(() => Missing(selection, deviceMustHaveAny: false) is { } missing
            ? new DeadLetterChange(0, 0, missing)
            : InTransaction(() => Requeue(selection)), cancellationToken);
    }

    /// <summary>
    /// Removes the selected dead letters for good, counted as dropped (<c>purged</c>). All or nothing: a named value
    /// that is not a dead letter (of the named device), or a named device with none, purges nothing.
    /// </summary>
    public Task<DeadLetterChange> PurgeDeadLettersAsync(DeadLetterSelection selection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return RunAsync(() => Missing(selection, deviceMustHaveAny: true) is { } missing
            ? new DeadLetterChange(0, 0, missing)
            : InTransaction(() => Purge(selection)), cancellationToken);
    }

    /// <summary>Saves a device key's credentials (GMQ's identity → CIK map) in the queue file, durably.</summary>
    public Task SaveCredentialAsync(StoredCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return RunAsync(() => InTransaction(() =>
        {
            _store.SaveCredential(credential);
            return true;
        }), cancellationToken);
    }

    /// <summary>Every saved identity → CIK mapping (CIK null while an activation is pending).</summary>
    public Task<IReadOnlyList<StoredCredential>> LoadCredentialsAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<StoredCredential>>(_store.LoadCredentials, cancellationToken);

    /// <summary>Finishes every request already handed over, then closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _requests.Writer.TryComplete();
        await _loop;

        // An orderly close saves the totals that insert-only commits left to be caught up at open: a gwe rolled back to
        // a version that trusts the saved row as it is then reads the right next sequence (it would reuse ids otherwise).
        try
        {
            InTransaction(static () => 0);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            // Logged by InTransaction; the next open catches the totals up from the queue table anyway.
        }

        _store.Dispose();
        _groupComplete.Dispose();
        QueueLog.Closed(_logger);
    }

    private static string? Prepare(QueuedValue value)
    {
        if (value is null)
        {
            return "missing value";
        }

        if (string.IsNullOrEmpty(value.DeviceKey) || string.IsNullOrEmpty(value.Alias) || value.Value is null)
        {
            return "device key, alias and value are required";
        }

        if (value.Ttl is { } ttl && ttl <= TimeSpan.Zero)
        {
            return "a TTL must be positive";
        }

        try
        {
            if (StrictUtf8.GetByteCount(value.Value) > MaxValueBytes)
            {
                return $"the value of '{value.Alias}' is larger than {MaxValueBytes} bytes";
            }

            if (StrictUtf8.GetByteCount(value.Alias) > MaxAliasBytes || StrictUtf8.GetByteCount(value.DeviceKey) > MaxDeviceKeyBytes)
            {
                return "alias or device key too long";
            }
        }
        catch (EncoderFallbackException)
        {
            return "text is not valid Unicode (lone surrogate)";
        }

        return null;
    }

    private static int Size(QueuedValue value) =>
        Encoding.UTF8.GetByteCount(value.Value) + Encoding.UTF8.GetByteCount(value.Alias)
        + Encoding.UTF8.GetByteCount(value.DeviceKey) + RowOverheadBytes;

    private async Task SubmitAsync(QueueRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            await _requests.Writer.WriteAsync(request, cancellationToken);

            // The writer loop is waiting for this group's last writers: wake it when they are all in (this read follows
            // the channel's lock, and the loop publishes the count before reading the channel's, so none is missed).
            if (Volatile.Read(ref _awaitedRequests) is > 0 and var awaited && _requests.Reader.Count >= awaited)
            {
                _groupComplete.Set();
            }
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(MessageQueue));
        }
    }

    private async Task<T> RunAsync<T>(Func<T> body, CancellationToken cancellationToken)
    {
        var operation = new StoreOperation<T>(body);
        await SubmitAsync(operation, cancellationToken);
        return await operation.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task RunLoopAsync()
    {
        var reader = _requests.Reader;
        var group = new List<EnqueueRequest>();
        var groupValues = 0;
        while (await reader.WaitToReadAsync())
        {
            var waited = false;
            while (true)
            {
                while (reader.TryRead(out var request))
                {
                    if (request is EnqueueRequest enqueue)
                    {
                        group.Add(enqueue);
                        groupValues += enqueue.Values.Length;
                        if (groupValues < _options.MaxGroupValues)
                        {
                            continue;
                        }
                    }

                    if (group.Count > 0)
                    {
                        CommitGroup(group, groupValues);
                        group.Clear();
                        groupValues = 0;
                        waited = false;
                    }

                    if (request is IStoreOperation operation && !operation.Run(Publish))
                    {
                        Publish();
                    }
                }

                if (group.Count == 0 || !WaitForMoreWriters(reader, group.Count, ref waited))
                {
                    break;
                }
            }

            if (group.Count > 0)
            {
                CommitGroup(group, groupValues);
                group.Clear();
                groupValues = 0;
            }
        }
    }

    /// <summary>
    /// Group-commit coalescing: true when more requests arrived while waiting for the writers of the last groups.
    /// </summary>
    /// <remarks>
    /// Without it, N writers that each wait for their acknowledgement split into two alternating groups: the first
    /// writer answered comes back while the others are still being answered, finds the loop idle and gets a commit of
    /// its own; the rest queue behind that fsync. Each writer then waits about two fsyncs per write. Waiting briefly
    /// for as many writers as were seen around recent commits (carried + queued behind) puts them back into one group:
    /// one fsync per round of writes. One writer alone, or writes that do not arrive back to back, never wait.
    /// The loop blocks until the submitter that completes the expected group wakes it (one wake-up per group), at most
    /// <see cref="MaxCoalesceWait"/> (the shortest timed wait .NET offers) and once per group. It used to yield-spin for
    /// up to half a commit instead: every idle moment of the group became sched_yield calls (~3–10 per write, each a
    /// trip through the scheduler, and on a busy machine a lost time slice).
    /// The expected count decays with every commit, so a writer that stopped costs at most a commit or two that wait
    /// out the bound.
    /// </remarks>
    private bool WaitForMoreWriters(ChannelReader<QueueRequest> reader, int requests, ref bool waited)
    {
        var missing = (int)_recentWriters - requests;
        if (waited || missing <= 0 || Stopwatch.GetTimestamp() - _lastCommitEndedAt > 2 * _recentCommitTicks)
        {
            // Waited once already, all recent writers are in, or the writes are not arriving back to back: commit now.
            return false;
        }

        waited = true;
        _groupComplete.Reset();
        Volatile.Write(ref _awaitedRequests, missing);
        if (reader.Count < missing)
        {
            _groupComplete.Wait(MaxCoalesceWait);
        }

        Volatile.Write(ref _awaitedRequests, 0);
        return reader.Count > 0;
    }

    private void CommitGroup(List<EnqueueRequest> group, int values)
    {
        var results = new EnqueueResult[group.Count];
        var started = Stopwatch.GetTimestamp();
        try
        {
            var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var before = _counters.Copy();
            _store.Begin();
            var diskLow = IsDiskLow();
            for (var i = 0; i < group.Count; i++)
            {
                results[i] = Admit(group[i].Values, nowMs, diskLow);
            }

            // Inserts alone leave the totals row as it is: the queue table itself records them (QueueStore.LoadMeta).
            if (_counters.ChangedBeyondEnqueueSince(before))
            {
                _store.SaveCounters(_counters);
            }

            _store.Commit();
        }
        catch (Exception ex)
        {
            Recover(ex);
            CompleteGroup([.. group], null, ex);
            return;
        }

        var elapsed = Stopwatch.GetTimestamp() - started;
        _recentCommitTicks = (_recentCommitTicks * 7 + elapsed) / 8;
        _lastCommitEndedAt = started + elapsed;

        // Writers seen around this commit: those it carried and those that queued behind it.
        _recentWriters = Math.Max(group.Count + _requests.Reader.Count, _recentWriters * 15 / 16);
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _committedValues, values);
        Interlocked.Add(ref _commitTicks, elapsed);
        Publish();
        CompleteGroup([.. group], results, null);
    }

    /// <summary>
    /// Answers a committed (or failed) group's callers from one pool work item, in turn, each caller's continuation
    /// running right there: one thread-pool hand-off per group instead of one per caller, and the writer loop never runs
    /// callers' code.
    /// </summary>
    private static void CompleteGroup(EnqueueRequest[] requests, EnqueueResult[]? results, Exception? error) =>
        ThreadPool.UnsafeQueueUserWorkItem(
            static state =>
            {
                var (requests, results, error) = state;
                for (var i = 0; i < requests.Length; i++)
                {
                    if (results is null)
                    {
                        requests[i].Completion.TrySetException(error!);
                    }
                    else
                    {
                        requests[i].Completion.TrySetResult(results[i]);
                    }
                }
            },
            (requests, results, error),
            preferLocal: false);

    /// <summary>One caller's values: apply the bounds, then insert. Runs inside the group's transaction.</summary>
    private EnqueueResult Admit(PreparedValue[] values, long nowMs, bool diskLow)
    {
        long needed = 0;
        foreach (var value in values)
        {
            needed += value.Bytes;
        }

        if (needed > _options.MaxBytes)
        {
            return Refuse(values.Length, EnqueueStatus.QueueFull, "the values are larger than max_bytes");
        }

        if (diskLow)
        {
            // Deleted rows free pages SQLite reuses, so dropping as many bytes as arrive keeps the file from growing.
            if (_options.Policy == OverflowPolicy.Reject || _bytes < needed)
            {
                return Refuse(values.Length, EnqueueStatus.DiskFull, "free disk is below min_free_disk");
            }

            DropOldest(needed, DropReason.Disk);
        }

        if (_bytes + needed > _options.MaxBytes)
        {
            if (_options.Policy == OverflowPolicy.Reject)
            {
                return Refuse(values.Length, EnqueueStatus.QueueFull, "the queue is at max_bytes");
            }

            DropOldest(_bytes + needed - _options.MaxBytes, DropReason.Overflow);
        }

        var ids = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            ref readonly var value = ref values[i];
            var sequence = _counters.NextSequence++;
            _store.Insert(sequence, value, nowMs, value.TtlMs is { } ttl ? nowMs + ttl : null);
            ids[i] = MessageId.Format(_instance, sequence);
            Remember(value.DeviceKey, value.Bytes);
        }

        if (_oldestEnqueuedAtMs is null)
        {
            _oldestEnqueuedAtMs = nowMs;
        }

        _counters.Enqueued += values.Length;
        return new EnqueueResult(EnqueueStatus.Accepted, ids);
    }

    private EnqueueResult Refuse(int count, EnqueueStatus status, string reason)
    {
        _counters.Rejected += count;
        QueueLog.Refused(_logger, count, reason);
        return EnqueueResult.Refused(status, reason);
    }

    /// <summary>Drops whole values, oldest arrival first, until at least <paramref name="bytesToFree"/> bytes are gone.</summary>
    private void DropOldest(long bytesToFree, DropReason reason)
    {
        long freed = 0, count = 0, through = 0;
        while (freed < bytesToFree)
        {
            var rows = _store.SelectOldest(through, 512);
            if (rows.Count == 0)
            {
                break;
            }

            foreach (var row in rows)
            {
                freed += row.Bytes;
                count++;
                through = row.Sequence;
                Forget(row.DeviceKey, row.Bytes);
                if (freed >= bytesToFree)
                {
                    break;
                }
            }
        }

        if (count == 0)
        {
            return;
        }

        _store.DeleteThrough(through);
        if (reason == DropReason.Disk)
        {
            _counters.DroppedDisk += count;
        }
        else
        {
            _counters.DroppedOverflow += count;
        }

        _oldestStale = true;
        QueueLog.DroppedOldest(_logger, count, freed, reason == DropReason.Disk ? "disk" : "overflow");
    }

    private bool IsDiskLow()
    {
        if (_options.MinFreeDiskPercent <= 0)
        {
            return false;
        }

        try
        {
            var drive = new DriveInfo(_directory);
            return drive.TotalSize > 0 && drive.AvailableFreeSpace * 100.0 / drive.TotalSize < _options.MinFreeDiskPercent;
        }
        catch (IOException)
        {
            // A failing probe must not stop writes; SQLite itself still reports a truly full disk.
            return false;
        }
    }

    private IReadOnlyList<QueuedMessage> Peek(int maxValues, long maxBytes, IReadOnlySet<string> heldDevices)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var devices = _backlog.Keys.Where(d => !heldDevices.Contains(d)).ToList();
        if (devices.Count == 0)
        {
            // Only held devices wait: their expired values still leave on schedule.
            if (_depth > 0 && nowMs >= _nextSweepAtMs)
            {
                TrySweep(() => Sweep(nowMs));
            }

            return [];
        }

        devices.Sort(StringComparer.Ordinal);

        // Each batch starts with the device after the one that led the previous batch, so none is always last.
        var start = _lastLeadDevice is null ? 0 : devices.FindIndex(d => string.CompareOrdinal(d, _lastLeadDevice) > 0);
        if (start > 0)
        {
            devices = [.. devices[start..], .. devices[..start]];
        }

        _lastLeadDevice = devices[0];
        var share = Math.Max(1, (maxValues + devices.Count - 1) / devices.Count);
        var cursors = new Dictionary<string, (long CapturedAtMs, long Sequence)>(StringComparer.Ordinal);
        var open = devices;
        var batch = new List<QueuedMessage>(Math.Min(maxValues, 4096));
        var expired = new List<long>();
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        long bytes = 0;

        // Pass after pass: read up to `share` more values of every device still open, then deal them out round-robin.
        // A device closes when it has no more, or when its next value does not fit the byte budget (taking a later
        // one would break its capture order).
        while (batch.Count < maxValues && open.Count > 0)
        {
            var chunks = new List<(string Device, List<StoredRow> Rows)>(open.Count);
            foreach (var device in open)
            {
                var (captured, sequence) = cursors.GetValueOrDefault(device, (long.MinValue, long.MinValue));
                chunks.Add((device, _store.SelectDevice(device, captured, sequence, share)));
            }

            var exhausted = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (device, rows) in chunks)
            {
                if (rows.Count < share)
                {
                    exhausted.Add(device);
                }
            }

            for (var i = 0; batch.Count < maxValues; i++)
            {
                var dealt = false;
                foreach (var (device, rows) in chunks)
                {
                    if (i >= rows.Count || blocked.Contains(device))
                    {
                        continue;
                    }

                    dealt = true;
                    var row = rows[i];
                    if (row.ExpiresAtMs <= nowMs)
                    {
                        expired.Add(row.Sequence);
                        cursors[device] = (row.CapturedAtMs, row.Sequence);
                        continue;
                    }

                    if (batch.Count >= maxValues || (batch.Count > 0 && bytes + row.Bytes > maxBytes))
                    {
                        blocked.Add(device);
                        continue;
                    }

                    cursors[device] = (row.CapturedAtMs, row.Sequence);
                    batch.Add(new QueuedMessage(MessageId.Format(_instance, row.Sequence), row.DeviceKey, row.Alias, row.CapturedAtMs, row.Value, row.Bytes));
                    bytes += row.Bytes;
                }

                if (!dealt)
                {
                    break;
                }
            }

            open = open.Where(d => !exhausted.Contains(d) && !blocked.Contains(d)).ToList();
        }

        if (expired.Count > 0 || nowMs >= _nextSweepAtMs)
        {
            TrySweep(() =>
            {
                var dropped = 0L;
                foreach (var row in expired.Count > 0 ? _store.DeleteMany(expired) : [])
                {
                    Forget(row.DeviceKey, row.Bytes);
                    dropped++;
                }

                _counters.DroppedTtl += dropped;
                _oldestStale |= dropped > 0;
                return dropped + Sweep(nowMs);
            });
        }

        return batch;
    }

    /// <summary>
    /// A peek's dropping of expired values, which writes: on a full disk it fails (logged and rolled back by
    /// <see cref="InTransaction"/>) and is tried again at the next peek. The batch itself was only read: the forwarder
    /// still gets it.
    /// </summary>
    private void TrySweep(Func<long> sweep)
    {
        var nextSweepAtMs = _nextSweepAtMs;
        try
        {
            InTransaction(sweep);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            _nextSweepAtMs = nextSweepAtMs;
        }
    }

    /// <summary>Drops expired values from the whole queue at most once per sweep interval. Runs inside a transaction.</summary>
    private long Sweep(long nowMs)
    {
        if (nowMs < _nextSweepAtMs)
        {
            return 0;
        }

        _nextSweepAtMs = nowMs + (long)_options.SweepInterval.TotalMilliseconds;
        var rows = _store.DeleteExpired(nowMs);
        foreach (var row in rows)
        {
            Forget(row.DeviceKey, row.Bytes);
        }

        if (rows.Count > 0)
        {
            _counters.DroppedTtl += rows.Count;
            _oldestStale = true;
            QueueLog.Expired(_logger, rows.Count);
        }

        return rows.Count;
    }

    private int Ack(IReadOnlyCollection<string> messageIds)
    {
        var sequences = new List<long>(messageIds.Count);
        foreach (var id in messageIds)
        {
            if (MessageId.TryParse(_instance, id, out var sequence))
            {
                sequences.Add(sequence);
            }
        }

        if (sequences.Count == 0)
        {
            return 0;
        }

        return InTransaction(() =>
        {
            var rows = _store.DeleteMany(sequences);
            foreach (var row in rows)
            {
                Forget(row.DeviceKey, row.Bytes);
            }

            _counters.Forwarded += rows.Count;
            _oldestStale |= rows.Count > 0;
            return rows.Count;
        });
    }

    private long DeadLetter(string deviceKey, string reason, IReadOnlyCollection<string>? messageIds)
    {
        List<long>? sequences = null;
        if (messageIds is not null)
        {
            sequences = [];
            foreach (var id in messageIds)
            {
                if (MessageId.TryParse(_instance, id, out var sequence))
                {
                    sequences.Add(sequence);
                }
            }
        }

        var rows = _store.MoveToDeadLetters(deviceKey, reason, _time.GetUtcNow().ToUnixTimeMilliseconds(), sequences);
        foreach (var row in rows)
        {
            Forget(row.DeviceKey, row.Bytes);
        }

        _counters.DeadLettered += rows.Count;
        _deadLetters += rows.Count;
        _oldestStale = true;
        if (rows.Count > 0)
        {
            QueueLog.DeadLettered(_logger, rows.Count, deviceKey, reason);
        }

        return rows.Count;
    }

    private DeadLetterChange Requeue(DeadLetterSelection selection)
    {
        // Requeued values were accepted once; they are not checked against max_bytes again (the next enqueue is).
        var rows = _store.Requeue(selection);
        long bytes = 0;
        foreach (var row in rows)
        {
            Remember(row.DeviceKey, row.Bytes);
            bytes += row.Bytes;
        }

        _deadLetters -= rows.Count;
        _oldestStale = true;
        if (rows.Count > 0)
        {
            QueueLog.Requeued(_logger, rows.Count);
        }

        return new DeadLetterChange(rows.Count, bytes, DeviceKeys: [.. rows.Select(r => r.DeviceKey).Distinct(StringComparer.Ordinal)]);
    }

    private DeadLetterChange Purge(DeadLetterSelection selection)
    {
        var rows = _store.Purge(selection);
        var bytes = rows.Sum(r => (long)r.Bytes);
        _deadLetters -= rows.Count;
        _counters.DroppedPurged += rows.Count;
        if (rows.Count > 0)
        {
            QueueLog.Purged(_logger, rows.Count, bytes, selection.DeviceKey ?? "every device");
        }

        return new DeadLetterChange(rows.Count, bytes);
    }

    /// <summary>Why <paramref name="selection"/> names something that is not there; null when it does not.</summary>
    private string? Missing(DeadLetterSelection selection, bool deviceMustHaveAny)
    {
        var of = selection.DeviceKey is null ? string.Empty : $" of '{selection.DeviceKey}'";
        if (selection.Sequences is { } sequences)
        {
            var present = _store.SelectDeadLetterSequences(selection);
            foreach (var sequence in sequences)
            {
                if (!present.Contains(sequence))
                {
                    return $"{MessageId.Format(_instance, sequence)} is not a dead letter{of} (gwe gmq dead-letters lists them)";
                }
            }

            return null;
        }

        return deviceMustHaveAny && selection.DeviceKey is not null && _store.CountDeadLetters(selection) == 0
            ? $"no dead letters{of} (gwe gmq dead-letters lists the device keys)"
            : null;
    }

    /// <summary>Runs <paramref name="body"/> in a transaction that also saves the totals; on failure, reloads state.</summary>
    private T InTransaction<T>(Func<T> body)
    {
        try
        {
            _store.Begin();
            var result = body();
            _store.SaveCounters(_counters);
            _store.Commit();
            return result;
        }
        catch (Exception ex)
        {
            Recover(ex);
            throw;
        }
    }

    private void Recover(Exception ex)
    {
        _store.Rollback();
        QueueLog.StoreFailed(_logger, ex);
        try
        {
            ReloadState();
        }
        catch (Exception reloadError) when (reloadError is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            // The file is unreadable right now; the next request will fail (and try again) on its own.
            QueueLog.StoreFailed(_logger, reloadError);
        }
    }

    /// <summary>Rebuilds the in-memory accounting from the file: at open, and after a failed transaction.</summary>
    private void ReloadState()
    {
        (_, _counters) = _store.LoadMeta();
        _backlog = _store.LoadBacklog();
        _depth = _backlog.Values.Sum(b => b.Count);
        _bytes = _backlog.Values.Sum(b => b.Bytes);
        _deadLetters = _store.CountDeadLetters();
        _oldestEnqueuedAtMs = _store.OldestEnqueuedAtMs();
        _oldestStale = false;
    }

    private void Remember(string deviceKey, int bytes)
    {
        if (!_backlog.TryGetValue(deviceKey, out var backlog))
        {
            backlog = new DeviceBacklog();
            _backlog[deviceKey] = backlog;
        }

        backlog.Count++;
        backlog.Bytes += bytes;
        _depth++;
        _bytes += bytes;
    }

    private void Forget(string deviceKey, int bytes)
    {
        if (_backlog.TryGetValue(deviceKey, out var backlog) && --backlog.Count <= 0)
        {
            _backlog.Remove(deviceKey);
        }
        else if (backlog is not null)
        {
            backlog.Bytes -= bytes;
        }

        _depth--;
        _bytes -= bytes;
    }

    private void Publish()
    {
        if (_oldestStale)
        {
            try
            {
                _oldestEnqueuedAtMs = _depth == 0 ? null : _store.OldestEnqueuedAtMs();
                _oldestStale = false;
            }
            catch (Microsoft.Data.Sqlite.SqliteException ex)
            {
                // Runs after the loop's commits, outside their error handling: a failed read leaves the figure stale
                // (tried again next time) instead of ending the loop and leaving every caller waiting.
                QueueLog.StoreFailed(_logger, ex);
            }
        }

        _published = new QueueStatistics(
            _depth,
            _bytes,
            TimeSpan.Zero,
            _oldestEnqueuedAtMs,
            _backlog.Count,
            _counters.Enqueued,
            _counters.Forwarded,
            _counters.DroppedOverflow,
            _counters.DroppedTtl,
            _counters.DroppedDisk,
            _counters.DroppedPurged,
            _counters.Rejected,
            _deadLetters,
            _counters.DeadLettered);
    }
}
