using Outpost.Cloud.Ingest;
using Outpost.Cloud.Storage;

namespace Outpost.Cloud.Tests.Storage;

public sealed class SamplePlacementTests
{
    [Fact]
    public void FewPoints_Wait()
    {
        Assert.Null(SamplePlacement.IndexedSeries(Points(SamplePlacement.MinPointsPerSeries - 1, "temp")));
        Assert.Null(SamplePlacement.IndexedSeries([]));
    }

    [Fact]
    public void ManyPointsOfOneSeries_AreIndexed()
    {
        Assert.Equal(["temp"], SamplePlacement.IndexedSeries(Points(SamplePlacement.MinPointsPerSeries, "temp")));
    }

    [Fact]
    public void InterleavedSeries_AreEachNamedOnce_InOrderOfFirstPoint()
    {
        var points = Points(100, "temp", "hum", "temp", "pressure");
        Assert.Equal(["temp", "hum", "pressure"], SamplePlacement.IndexedSeries(points));
    }

    [Fact]
    public void TooFewPointsPerSeries_Wait()
    {
        // Enough points in all, but fewer than the minimum per series on average.
        var aliases = Enumerable.Range(0, 4).Select(i => $"a{i}").ToArray();
        Assert.Null(SamplePlacement.IndexedSeries(Points((SamplePlacement.MinPointsPerSeries * 4) - 1, aliases)));
        Assert.NotNull(SamplePlacement.IndexedSeries(Points(SamplePlacement.MinPointsPerSeries * 4, aliases)));
    }

    [Fact]
    public void MoreSeriesThanTheMaximum_Wait_HoweverManyPoints()
    {
        var aliases = Enumerable.Range(0, SamplePlacement.MaxSeries + 1).Select(i => $"a{i}").ToArray();
        Assert.Null(SamplePlacement.IndexedSeries(Points(10_000, aliases)));
        Assert.Equal(SamplePlacement.MaxSeries, SamplePlacement.IndexedSeries(Points(10_000, aliases[..^1]))!.Count);
    }

    /// <summary><paramref name="count"/> points cycling through <paramref name="aliases"/>.</summary>
    private static List<ValuePoint> Points(int count, params string[] aliases) =>
        [.. Enumerable.Range(0, count).Select(i => new ValuePoint(aliases[i % aliases.Length], 1000L + i, "1"))];
}
