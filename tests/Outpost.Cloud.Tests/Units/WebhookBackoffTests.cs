using Outpost.Cloud.Webhooks;

namespace Outpost.Cloud.Tests.Units;

public sealed class WebhookBackoffTests
{
    [Theory]
    [InlineData(1, 50)]
    [InlineData(2, 100)]
    [InlineData(3, 200)]
    [InlineData(0, 50)] // before any failure: the first wait, never less
    public void After_DoublesFromTheFirstWait(int attempts, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Backoff.After(TimeSpan.FromMilliseconds(50), attempts));

    [Theory]
    [InlineData(20)]
    [InlineData(31)]
    [InlineData(int.MaxValue)]
    public void After_IsCappedAtTenMinutes(int attempts) =>
        Assert.Equal(TimeSpan.FromMinutes(10), Backoff.After(TimeSpan.FromSeconds(1), attempts));
}
