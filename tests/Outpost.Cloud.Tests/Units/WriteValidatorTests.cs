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
        var outcome = WriteValidator.Validate(Product, [new ValuePoint(alias, 1, value)], fromCloud: false);
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
        Assert.NotNull(WriteValidator.Validate(Product, [new ValuePoint("s", 1, "x")], fromCloud: true));
        Assert.Null(WriteValidator.Validate(Product, [new ValuePoint("n", 1, "1")], fromCloud: true));
    }

    [Fact]
    public void Validate_SizeLimitIsInUtf8Bytes()
    {
        var atLimit = new string('x', WriteValidator.MaxValueBytes);
        Assert.Null(WriteValidator.Validate(Product, [new ValuePoint("s", 1, atLimit)], fromCloud: false));
        var overInBytes = new string('é', (WriteValidator.MaxValueBytes / 2) + 1);
        Assert.Equal(413, WriteValidator.Validate(Product, [new ValuePoint("s", 1, overInBytes)], fromCloud: false)!.Status);
    }

    [Fact]
    public void Validate_EmptyWriteAndBadTimestamps_AreRejected()
    {
        Assert.NotNull(WriteValidator.Validate(Product, [], fromCloud: false));
        Assert.NotNull(WriteValidator.Validate(Product, [new ValuePoint("s", 0, "x")], fromCloud: false));
        Assert.NotNull(WriteValidator.Validate(Product, [new ValuePoint("s", WriteValidator.MaxTimestampMs + 1, "x")], fromCloud: false));
        Assert.Null(WriteValidator.Validate(Product, [new ValuePoint("s", WriteValidator.MaxTimestampMs, "x")], fromCloud: false));
        Assert.Equal(WriteValidator.MaxTimestampMs, DateTimeOffset.MaxValue.ToUnixTimeMilliseconds());
    }
}
