using Outpost.Cloud.Ingest;
using Outpost.Cloud.Registry;

namespace Outpost.Cloud.Tests.Units;

public sealed class TokenBucketTests
{
    private const long Hz = 1000;

    [Fact]
    public void TryTake_AllowsTheBurst_ThenRefusesWithTheTimeToTheNextToken()
    {
        var limit = new WriteLimit(2, 3);
        var bucket = new TokenBucket(limit, 0);
        Assert.True(bucket.TryTake(limit, 0, Hz, out _));
        Assert.True(bucket.TryTake(limit, 0, Hz, out _));
        Assert.True(bucket.TryTake(limit, 0, Hz, out _));
        Assert.False(bucket.TryTake(limit, 0, Hz, out var retry));
        Assert.Equal(TimeSpan.FromMilliseconds(500), retry);
    }

    [Fact]
    public void TryTake_RefillsAtTheRate_UpToTheBurstOnly()
    {
        var limit = new WriteLimit(10, 2);
        var bucket = new TokenBucket(limit, 0);
        Assert.True(bucket.TryTake(limit, 0, Hz, out _));
        Assert.True(bucket.TryTake(limit, 0, Hz, out _));
        Assert.False(bucket.TryTake(limit, 50, Hz, out _));
        Assert.True(bucket.TryTake(limit, 150, Hz, out _));

        // A long quiet spell refills to the burst, not beyond.
        Assert.True(bucket.TryTake(limit, 100_000, Hz, out _));
        Assert.True(bucket.TryTake(limit, 100_000, Hz, out _));
        Assert.False(bucket.TryTake(limit, 100_000, Hz, out _));
    }

    [Fact]
    public void TryTake_FollowsAChangedLimit()
    {
        var bucket = new TokenBucket(new WriteLimit(1, 1), 0);
        Assert.True(bucket.TryTake(new WriteLimit(1, 1), 0, Hz, out _));
        Assert.True(bucket.TryTake(new WriteLimit(1000, 1000), 10, Hz, out _));
    }
}
