using Outpost.Cloud.Ingest;
using Outpost.Cloud.Storage;
using Outpost.Cloud.Stream;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Storage;

/// <summary>
/// The value store on a real SQLite file: new points wait in <c>samples_recent</c> and move to the indexed history in
/// bulk; reads must not be able to tell where a point is.
/// </summary>
public sealed class SqliteValueStoreTests : IDisposable
{
    private const long Device = 7;
    private readonly TempDirectory _dir = new("outpost-values");
    private readonly SqliteDatabase _database;
    private readonly SqliteValueStore _store;

    public SqliteValueStoreTests()
    {
        _database = new SqliteDatabase(_dir.Combine("outpost.db"));
        _database.Initialize();
        _store = new SqliteValueStore(_database);
    }

    /// <summary>
    /// The latest values, checked against the newest point of each series' history: the history is ordered in SQL over
    /// both tables, the latest value is merged from them in code (ReadLatestManyAsync), and the two must name the same
    /// point, ties of equal timestamps included. Read again as part of a page with device 8, which has nothing.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, StoredValue>> LatestAsync(SqliteValueStore store, string[] aliases)
    {
        var latest = await store.ReadLatestAsync(Device, aliases, default);
        foreach (var alias in aliases)
        {
            var newest = await store.ReadHistoryAsync(Device, alias, long.MinValue, long.MaxValue, 1, default);
            Assert.Equal(newest.SingleOrDefault(), latest.TryGetValue(alias, out var value) ? value : default);
        }

        var page = await store.ReadLatestManyAsync([8, Device], aliases, default);
        Assert.False(page.ContainsKey(8));
        Assert.Equal(latest.OrderBy(p => p.Key), page[Device].OrderBy(p => p.Key));
        return latest;
    }

    [Fact]
    public async Task HistoryAndLatest_AreTheSame_BeforeAndAfterPointsMoveToTheIndexedHistory()
    {
        // 1,500 one-point writes of one series in one commit (more than samples_recent keeps), ts 1..1500 s, oldest first.
        var first = Enumerable.Range(1, 1500).Select(i => new ValuePoint("temp", i * 1000L, $"v{i}")).ToList();
        await CommitOneByOneAsync(first);
        Assert.Equal(1500, Count("samples_recent"));
        Assert.Equal("v1500", (await LatestAsync(_store, ["temp"]))["temp"].Value);
        var before = await _store.ReadHistoryAsync(Device, "temp", 0, long.MaxValue, 2000, default);

        // The next commit moves them; its own point is older than all of them, so it only joins the history.
        await CommitAsync([new ValuePoint("temp", 500, "old")]);
        Assert.Equal(1, Count("samples_recent"));
        Assert.Equal(1500, Count("samples"));

        Assert.Equal("v1500", (await LatestAsync(_store, ["temp"]))["temp"].Value);
        var after = await _store.ReadHistoryAsync(Device, "temp", 0, long.MaxValue, 2000, default);
        Assert.Equal([.. before, new StoredValue("temp", 500, "old")], after);
        Assert.Equal(
            ["v1000", "v999", "v998"],
            (await _store.ReadHistoryAsync(Device, "temp", 0, 1_000_000, 3, default)).Select(v => v.Value));
    }

    [Fact]
    public async Task OfEqualTimestamps_TheLaterStoredWins_WhetherMovedOrNot()
    {
        await CommitAsync([new ValuePoint("temp", 5000, "moved-first"), new ValuePoint("temp", 5000, "moved-second")]);
        await CommitOneByOneAsync(Enumerable.Range(1, 1100).Select(i => new ValuePoint("other", i, "x")).ToList());
        await CommitAsync([new ValuePoint("temp", 5000, "recent")]); // moves the first three commits' points
        Assert.Equal(0, Count("samples_recent WHERE alias = 'temp' AND value <> 'recent'"));

        Assert.Equal("recent", (await LatestAsync(_store, ["temp", "nosuch"]))["temp"].Value);
        Assert.Equal(
            ["recent", "moved-second", "moved-first"],
            (await _store.ReadHistoryAsync(Device, "temp", 0, long.MaxValue, 10, default)).Select(v => v.Value));
    }

    [Fact]
    public async Task PointsWaitingToMove_SurviveAReopenAndStillMove()
    {
        await CommitOneByOneAsync(Enumerable.Range(1, 1100).Select(i => new ValuePoint("temp", i * 1000L, $"v{i}")).ToList());
        _store.Dispose();

        using var reopened = new SqliteValueStore(_database);
        Assert.Equal("v1100", (await LatestAsync(reopened, ["temp"]))["temp"].Value);
        await reopened.CommitAsync([new WriteBatch("p", Device, [new ValuePoint("temp", 2_000_000, "next")], EventKinds.Write, WriteSource.Device)], 1, default);
        Assert.Equal(1100, Count("samples"));
        Assert.Equal(1101, (await reopened.ReadHistoryAsync(Device, "temp", 0, long.MaxValue, 5000, default)).Count);
    }

    [Fact]
    public async Task ABulkRequest_OfSeriesWithNothingWaiting_IsIndexedOnArrival_AndALaterSingleWriteStillWinsTies()
    {
        await CommitAsync(Enumerable.Range(0, 100).Select(i => new ValuePoint("temp", 5000, $"bulk{i}")).ToList());
        Assert.Equal(100, Count("samples"));
        Assert.Equal(0, Count("samples_recent"));

        await CommitAsync([new ValuePoint("temp", 5000, "single")]);
        Assert.Equal(1, Count("samples_recent"));
        Assert.Equal("single", (await LatestAsync(_store, ["temp"]))["temp"].Value);
        Assert.Equal(
            ["single", "bulk99", "bulk98"],
            (await _store.ReadHistoryAsync(Device, "temp", 0, long.MaxValue, 3, default)).Select(v => v.Value));
    }

    [Fact]
    public async Task ABulkRequest_OfASeriesWithPointsWaiting_WaitsToo_SoItsPointsStillWinTies()
    {
        await CommitAsync([new ValuePoint("temp", 5000, "single")]);
        await CommitAsync(Enumerable.Range(0, 100).Select(i => new ValuePoint("temp", 5000, $"bulk{i}")).ToList());

        Assert.Equal(101, Count("samples_recent"));
        Assert.Equal("bulk99", (await LatestAsync(_store, ["temp"]))["temp"].Value);
    }

    [Fact]
    public async Task WaitingSeries_AreKnownAgainAfterAReopen()
    {
        await CommitAsync([new ValuePoint("temp", 5000, "single")]);
        _store.Dispose();

        using var reopened = new SqliteValueStore(_database);
        await reopened.CommitAsync(
            [new WriteBatch("p", Device, Enumerable.Range(0, 100).Select(i => new ValuePoint("temp", 5000, $"bulk{i}")).ToList(), EventKinds.Record, WriteSource.Device)],
            1,
            default);

        Assert.Equal(0, Count("samples"));
        Assert.Equal("bulk99", (await LatestAsync(reopened, ["temp"]))["temp"].Value);
    }

    [Fact]
    public async Task ABatchWithSomeIdsSeenBefore_StoresOnlyTheNewOnes_InOrder_WithOneEventEach()
    {
        // 100 ids (runs of 64, 32 and 4 rows); every seventh was stored by an earlier commit.
        var seen = Enumerable.Range(0, 100).Where(i => i % 7 == 3).ToList();
        var earlier = await CommitBatchAsync(seen.Select(Point).ToList(), seen.Select(Id).ToList());
        Assert.Equal(seen.Count, earlier[0].Count);

        var points = Enumerable.Range(0, 100).Select(Point).ToList();
        var stored = await CommitBatchAsync(points, Enumerable.Range(0, 100).Select(Id).ToList());

        var fresh = points.Where((_, i) => i % 7 != 3).ToList();
        Assert.Equal(fresh, stored[0]);
        Assert.Equal(100, Count("message_ids"));
        Assert.Equal(
            [.. seen.Select(i => $"v{i}"), .. fresh.Select(p => p.Value)],
            Column("SELECT value FROM events ORDER BY offset_id"));
        Assert.Equal(100, (await _store.ReadHistoryAsync(Device, "temp", 0, long.MaxValue, 500, default)).Count);
    }

    [Fact]
    public async Task TheSameIdsTwiceInOneGroup_AreStoredOnce()
    {
        var points = Enumerable.Range(0, 70).Select(Point).ToList();
        var ids = Enumerable.Range(0, 70).Select(Id).ToList();
        var stored = await _store.CommitAsync(
            [
                new WriteBatch("p", Device, points, EventKinds.Batch, WriteSource.Device, ids),
                new WriteBatch("p", Device, points, EventKinds.Batch, WriteSource.Device, ids),
                new WriteBatch("p", Device + 1, points, EventKinds.Batch, WriteSource.Device, ids),
            ],
            1,
            default);

        Assert.Equal(points, stored[0]);
        Assert.Empty(stored[1]);
        Assert.Equal(points, stored[2]); // ids are per device
        Assert.Equal(140, Count("events"));
    }

    [Fact]
    public async Task ALargeRequest_KeepsItsOrder_InSamplesAndEvents()
    {
        // 1,000 points of equal timestamp (two series, indexed on arrival): only their stored order tells them apart.
        var points = Enumerable.Range(0, 1000).Select(i => new ValuePoint(i % 2 == 0 ? "temp" : "hum", 5000, $"v{i}")).ToList();
        await CommitAsync(points);

        Assert.Equal(points.Select(p => p.Value), Column("SELECT value FROM events ORDER BY offset_id"));
        Assert.Equal(points.Select(p => p.Value), Column("SELECT value FROM samples ORDER BY seq"));
        Assert.Equal("v998", (await LatestAsync(_store, ["temp"]))["temp"].Value);
        Assert.Equal("v999", (await LatestAsync(_store, ["hum"]))["hum"].Value);
    }

    [Fact]
    public async Task APageOfDevices_GetsEachItsOwnLatest_FromInterleavedWaitingAndIndexedPoints()
    {
        // Device 7 and 9 write the same alias at the same timestamps, interleaved; device 9's bulk request is indexed
        // on arrival, then both get waiting points; device 8 has nothing.
        await _store.CommitAsync([new WriteBatch("p", 9, [.. Enumerable.Range(0, 100).Select(i => new ValuePoint("temp", 5000, $"nine-bulk{i}"))], EventKinds.Record, WriteSource.Device)], 1, default);
        await _store.CommitAsync(
            [
                new WriteBatch("p", Device, [new ValuePoint("temp", 5000, "seven-a")], EventKinds.Write, WriteSource.Device),
                new WriteBatch("p", 9, [new ValuePoint("temp", 4000, "nine-older")], EventKinds.Write, WriteSource.Device),
                new WriteBatch("p", Device, [new ValuePoint("temp", 5000, "seven-b"), new ValuePoint("hum", 1, "seven-hum")], EventKinds.Write, WriteSource.Device),
                new WriteBatch("p", 9, [new ValuePoint("hum", 9000, "nine-hum")], EventKinds.Write, WriteSource.Device),
            ],
            1,
            default);
        Assert.Equal(100, Count("samples"));

        var page = await _store.ReadLatestManyAsync([9, 8, Device], ["temp", "hum", "nosuch"], default);

        Assert.Equal([Device, 9L], page.Keys.Order());
        Assert.Equal(["seven-b", "seven-hum"], [page[Device]["temp"].Value, page[Device]["hum"].Value]);
        Assert.Equal(["nine-bulk99", "nine-hum"], [page[9]["temp"].Value, page[9]["hum"].Value]);
        Assert.Equal(page[9].OrderBy(p => p.Key), (await _store.ReadLatestAsync(9, ["temp", "hum", "nosuch"], default)).OrderBy(p => p.Key));
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private Task CommitAsync(IReadOnlyList<ValuePoint> points) =>
        _store.CommitAsync([new WriteBatch("p", Device, points, EventKinds.Record, WriteSource.Device)], 1, default);

    /// <summary>Each point as its own request, all in one group (what many single writes hand the store).</summary>
    private Task CommitOneByOneAsync(IReadOnlyList<ValuePoint> points) =>
        _store.CommitAsync([.. points.Select(p => new WriteBatch("p", Device, [p], EventKinds.Write, WriteSource.Device))], 1, default);

    private static ValuePoint Point(int i) => new("temp", 1_000_000 + i, $"v{i}");

    private static string Id(int i) => $"m{i}";

    private Task<IReadOnlyList<IReadOnlyList<ValuePoint>>> CommitBatchAsync(IReadOnlyList<ValuePoint> points, IReadOnlyList<string> ids) =>
        _store.CommitAsync([new WriteBatch("p", Device, points, EventKinds.Batch, WriteSource.Device, ids)], 1, default);

    private List<string> Column(string sql)
    {
        using var connection = _database.Open();
        using var select = connection.CreateCommand();
        select.CommandText = sql;
        using var reader = select.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private long Count(string from)
    {
        using var connection = _database.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM " + from;
        return (long)count.ExecuteScalar()!;
    }
}
