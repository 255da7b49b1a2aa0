using Outpost.Cloud.Ingest;
using Outpost.Cloud.Registry;

namespace Outpost.Cloud.Tests.Units;

public sealed class WriteValidatorTests
{
    private static readonly Product Product = new("prod01", "p", ProvisioningMode.Allowlist, WriteLimit.Default, null, DateTimeOffset.UnixEpoch,
    [
        new Resource("s", ResourceFormat.String, Settable: false),
        new Resource("n", ResourceFormat.Number, Settable: true),
        new Resource("j", ResourceFormat.Json, Settable: true),
    ]);

    private static readonly TimeSpan Skew = TimeSpan.FromHours(24);

    private const long NowMs = 1_800_000_000_000;

    [Theory]
    [InlineData("s", "anything & everything", false)]
    [InlineData("n", "21.5", false)]
    [InlineData("n", "-1e3", false)]
    [InlineData("j", "{\"a\": [1, 2]}", false)]
    [InlineData("j", "\"text\"", false)]
    [InlineData("n", "NaN", true)]
    [InlineData("n", "Infinity", true)]
    [InlineData("n", "1,5", true)]
    [InlineData("j", "{", true)]
    [InlineData("nosuch", "1", true)]
    public void Validate_ChecksAliasAndFormat(string alias, string value, bool rejected)
    {
        var outcome = WriteValidator.Validate(Product, [new ValuePoint(alias, 1, value)], fromCloud: false, NowMs, Skew);
        Assert.Equal(rejected, outcome is not null);
        if (outcome is not null)
        {
            Assert.Equal(400, outcome.Status);
            Assert.Contains($"'{alias}'", outcome.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_FromCloud_RefusesAliasesThatAreNotSettable()
    {
        Assert.NotNull(WriteValidator.Validate(Product, [new ValuePoint("s", 1, "x")], fromCloud: true, NowMs, Skew));
        Assert.Null(WriteValidator.Validate(Product, [new ValuePoint("n", 1, "1")], fromCloud: true, NowMs, Skew));
    }

    [Fact]
    public void Validate_SizeLimitIsInUtf8Bytes()
    {
        var atLimit = new string('x', WriteValidator.MaxValueBytes);
        Assert.Null(WriteValidator.Validate(Product, [new ValuePoint("s", 1, atLimit)], fromCloud: false, NowMs, Skew));
        var overInBytes = new string('é', (WriteValidator.MaxValueBytes / 2) + 1);
        Assert.Equal(413, WriteValidator.Validate(Product, [new ValuePoint("s", 1, overInBytes)], fromCloud: false, NowMs, Skew)!.Status);
    }

    [Fact]
    public void Validate_EmptyWriteAndBadTimestamps_AreRejected()
    {
        Assert.NotNull(WriteValidator.Validate(Product, [], fromCloud: false, NowMs, Skew));
        Assert.NotNull(WriteValidator.Validate(Product, [new ValuePoint("s", 0, "x")], fromCloud: false, NowMs, Skew));
        Assert.NotNull(WriteValidator.Validate(Product, [new ValuePoint("s", WriteValidator.MaxTimestampMs + 1, "x")], fromCloud: false, NowMs, Skew));
        Assert.Null(WriteValidator.Validate(Product, [new ValuePoint("s", WriteValidator.MaxTimestampMs, "x")], fromCloud: false, WriteValidator.MaxTimestampMs, Skew));
        Assert.Equal(WriteValidator.MaxTimestampMs, DateTimeOffset.MaxValue.ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData(NowMs + (24 * 3_600_000), false)]
    [InlineData(NowMs + (24 * 3_600_000) + 1, true)]
    [InlineData(WriteValidator.MaxTimestampMs, true)]
    [InlineData(1, false)]
    public void Validate_TimestampMoreThanTheSkewAheadOfTheClock_IsRefusedForThatPoint(long ts, bool refused)
    {
        var outcome = WriteValidator.Validate(Product, [new ValuePoint("n", NowMs, "1"), new ValuePoint("s", ts, "x")], fromCloud: false, NowMs, Skew);

        Assert.Equal(refused, outcome is not null);
        if (outcome is not null)
        {
            Assert.Equal((400, 1, false), (outcome.Status, outcome.RefusedPoint, outcome.RefusedAliasWide));
            Assert.Equal("timestamp of 's' is more than 24 hours ahead of the cloud's clock", outcome.Error);
        }
    }

    [Theory]
    [InlineData(24 * 3600, "24 hours")]
    [InlineData(3600, "1 hour")]
    [InlineData(90 * 60, "90 minutes")]
    [InlineData(30, "30 seconds")]
    [InlineData(1, "1 second")]
    public void Describe_SaysTheLimitInItsLargestWholeUnit(int seconds, string expected) =>
        Assert.Equal(expected, WriteValidator.Describe(TimeSpan.FromSeconds(seconds)));
}
