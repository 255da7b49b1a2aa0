using System.Diagnostics;
using Outpost.Cloud.Ingest;
using Outpost.Cloud.Storage;
using Outpost.Cloud.Stream;

namespace Outpost.Bench;

/// <summary>What <see cref="StoreCost.MeasureAsync"/> saw over one window.</summary>
internal sealed record StoreCostFigures(long Values, long Commits, TimeSpan Cpu, TimeSpan Wall)
{
    public double ValuesPerSecond => Values / Wall.TotalSeconds;

    public double CommitsPerSecond => Commits / Wall.TotalSeconds;

    public double CpuMicrosecondsPerValue => Cpu.TotalMicroseconds / Values;

    public double CpuMicrosecondsPerCommit => Cpu.TotalMicroseconds / Commits;

    public double WallMicrosecondsPerCommit => Wall.TotalMicroseconds / Commits;
}

/// <summary>
/// The store's share of a durable write, without HTTP: <see cref="SqliteValueStore.CommitAsync"/> called back to back,
/// as the write path's single writer calls it, with groups of writes from distinct devices, each series moving forward
/// in time. Used by <c>cloud-store</c> and by <c>cloud-writes</c> for its store-only bound.
/// </summary>
internal sealed class StoreCost : IDisposable
{
    private readonly SqliteValueStore _store;
    private readonly int _group;
    private readonly int _devices;
    private readonly int _points;
    private readonly bool _ids;
    private readonly WriteBatch[] _batches;
    private long _now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
    private long _device;
    private long _id;

    public StoreCost(string databasePath, int group, int devices, int points, bool ids)
    {
        var database = new SqliteDatabase(databasePath);
        database.Initialize();
        _store = new SqliteValueStore(database);
        (_group, _devices, _points, _ids) = (group, devices, points, ids);
        _batches = new WriteBatch[group];
    }

    /// <summary>Commits groups for <paramref name="window"/>; the process CPU over it is charged to the store.</summary>
    public async Task<StoreCostFigures> MeasureAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        using var self = Process.GetCurrentProcess();
        var cpu0 = self.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var commits = 0L;
        while (Stopwatch.GetElapsedTime(started) < window)
        {
            _now += _points;
            for (var i = 0; i < _group; i++)
            {
                var values = new ValuePoint[_points];
                var messageIds = _ids ? new string[_points] : null;
                for (var p = 0; p < _points; p++)
                {
                    values[p] = new ValuePoint("temp", _now + p, "21.5");
                    if (messageIds is not null)
                    {
                        messageIds[p] = $"m{_id++}";
                    }
                }

                _batches[i] = new WriteBatch("benchstore", 1 + (_device++ % _devices), values, _ids ? EventKinds.Batch : EventKinds.Write, WriteSource.Device, messageIds);
            }

            await _store.CommitAsync(_batches, _now, cancellationToken);
            commits++;
        }

        var wall = Stopwatch.GetElapsedTime(started);
        self.Refresh();
        return new StoreCostFigures(commits * _group * _points, commits, self.TotalProcessorTime - cpu0, wall);
    }

    public void Dispose() => _store.Dispose();
}
