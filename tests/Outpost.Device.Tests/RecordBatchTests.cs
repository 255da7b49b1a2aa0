using Outpost.Protocol.Records;
using Outpost.Testing;

namespace Outpost.Device.Tests;

/// <summary><see cref="DeviceClient.RecordBatchAsync"/> against the cloud's idempotent batch endpoint.</summary>
public sealed class RecordBatchTests
{
    [Fact]
    public async Task RecordBatchAsync_SentTwice_AcknowledgedTwiceStoredOnce()
    {
        await using var cloud = await TestCloud.StartAsync();
        var (product, serial, client) = await Clients.ProvisionedAsync(cloud);
        using var _ = client;
        await cloud.AddAliasAsync(product, "v");
        var records = Enumerable.Range(1, 3).Select(i => new BatchRecord($"m-{i}", "v", 1_700_000_000_000 + i, $"a&b={i}")).ToList();

        var first = await client.RecordBatchAsync(records);
        var second = await client.RecordBatchAsync(records);

        Assert.Equal(["m-1", "m-2", "m-3"], first);
        Assert.Equal(first, second);
        var history = await cloud.HistoryAsync(product, serial, "v");
        Assert.Equal(["a&b=3", "a&b=2", "a&b=1"], history.Select(h => h.Value));
        Assert.Equal(1_700_000_000_003, history[0].Ts);
        Assert.Equal(2, client.Bandwidth.Snapshot()["records"].Requests);
    }

    [Fact]
    public async Task RecordBatchAsync_UnknownCik_IsUnauthorized()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var client = new DeviceClient(Clients.Options(cloud.BaseAddress, new string('b', 40)));

        var error = await Assert.ThrowsAsync<DeviceApiException>(() => client.RecordBatchAsync([new BatchRecord("m", "v", 1, "x")]));

        Assert.Equal(DeviceErrorKind.Unauthorized, error.Kind);
    }
}
