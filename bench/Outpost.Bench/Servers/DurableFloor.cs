using System.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace Outpost.Bench.Servers;

/// <summary>
/// The least a durable write can do: <c>gmq-serve</c>'s <c>POST /floor</c> appends the request's body to a preallocated
/// file opened write-through (FileOptions.WriteThrough, O_SYNC on Linux: each write returns once it is on the disk, one
/// system call, no separate fsync; O_SYNC also syncs the file's times, which on the development VM's disk costs ~5 % of a
/// write: fsync 103.5 µs against O_DSYNC 98.6 µs in a C probe, bench/README session 8)
/// and answers only then, with group commit: whatever arrived while a write was on its way goes out as the next write.
/// No queue, no index, no ids, no SQLite, no recovery format — so no real queue can be faster on the same disk, and
/// <c>gmq-http</c> runs it beside GMQ and the bare endpoint as the durable ceiling of the same run.
/// </summary>
/// <remarks>
/// <paramref name="writers"/> bounds the writes in flight at once (different offsets of the file). One is the default:
/// with two or four in flight the disk took 185–210 µs per write instead of 110–120 and fewer values went out per
/// second (bench/README, session 8). The preallocated region is reused from the start once written through, as a
/// reused WAL is, so no write changes the file's size (a size change adds a journal commit to the flush).
/// </remarks>
internal sealed class DurableFloor : IDisposable
{
    private const int Block = 4096;
    private const long Region = 8L << 20;

    private readonly SafeFileHandle _file;
    private readonly int _writers;
    private readonly Lock _gate = new();
    private List<(byte[] Body, TaskCompletionSource Done)> _pending = [];
    private int _inFlight;
    private long _offset;
    private long _writes;
    private long _values;
    private long _writeTicks;

    public DurableFloor(string path, int writers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(writers, 1);
        _writers = writers;
        _file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, FileOptions.WriteThrough);
        RandomAccess.Write(_file, new byte[Region], 0);
    }

    /// <summary>Writes so far, values in them, and the time they took in all, in milliseconds.</summary>
    public (long Writes, long Values, double WriteMs) Totals
    {
        get
        {
            lock (_gate)
            {
                return (_writes, _values, Stopwatch.GetElapsedTime(0, _writeTicks).TotalMilliseconds);
            }
        }
    }

    /// <summary>Completes once <paramref name="body"/> is on the disk.</summary>
    public Task AppendAsync(byte[] body)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool lead;
        lock (_gate)
        {
            _pending.Add((body, done));
            lead = _inFlight < _writers;
            if (lead)
            {
                _inFlight++;
            }
        }

        if (lead)
        {
            _ = Task.Run(WriteWhilePending);
        }

        return done.Task;
    }

    public void Dispose() => _file.Dispose();

    private void WriteWhilePending()
    {
        while (true)
        {
            List<(byte[] Body, TaskCompletionSource Done)> group;
            long offset;
            int length;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _inFlight--;
                    return;
                }

                group = _pending;
                _pending = [];
                length = group.Sum(entry => entry.Body.Length);
                length = (length + Block - 1) / Block * Block;
                if (_offset + length > Region)
                {
                    _offset = 0;
                }

                offset = _offset;
                _offset += length;
            }

            var buffer = new byte[length];
            var at = 0;
            foreach (var (body, _) in group)
            {
                body.CopyTo(buffer, at);
                at += body.Length;
            }

            var started = Stopwatch.GetTimestamp();
            RandomAccess.Write(_file, buffer, offset);
            var ticks = Stopwatch.GetTimestamp() - started;
            lock (_gate)
            {
                _writes++;
                _values += group.Count;
                _writeTicks += ticks;
            }

            foreach (var (_, done) in group)
            {
                done.SetResult();
            }
        }
    }
}
