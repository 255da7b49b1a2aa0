using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Cloud.Stream;
using Outpost.Cloud.Tests.DeviceApi;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Stream;

public sealed class EventConsumerTests
{
    /// <summary>A consumer that records what it sees and fails its first <see cref="Inbox.FailFirst"/> batches that hold a
    /// device_info event (a failed batch of registry events alone would prove nothing about redelivering values).</summary>
    private sealed class RecordingConsumer(IEventStream stream, Inbox inbox)
        : EventConsumer(stream, TimeProvider.System, NullLogger.Instance)
    {
        protected override string Name => "test-recorder";

        protected override Task HandleAsync(IReadOnlyList<DeviceEvent> events, CancellationToken cancellationToken)
        {
            if (events.Any(e => e.Alias == "device_info") && Interlocked.Decrement(ref inbox.FailFirst) >= 0)
            {
                throw new InvalidOperationException("consumer failure for the test");
            }

            foreach (var e in events.Where(e => e.Alias == "device_info"))
            {
                inbox.Values.Enqueue(e.Value);
            }

            inbox.Signal();
            return Task.CompletedTask;
        }
    }

    private sealed class Inbox
    {
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int FailFirst;

        public ConcurrentQueue<string> Values { get; } = new();

        public void Signal() => Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

        public async Task WaitForAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (Values.Count < count)
            {
                await Volatile.Read(ref _changed).Task.WaitAsync(timeout.Token);
            }
        }
    }

    [Fact]
    public async Task Consumer_ResumesFromItsDurableOffset_AfterARestart_WithoutLossOrReplay()
    {
        using var data = new TempDirectory("outpost-consumer");
        var inbox = new Inbox();
        void AddConsumer(IServiceCollection services) => services.AddSingleton(inbox).AddHostedService<RecordingConsumer>();
        string pid, cik;

        await using (var cloud = await TestCloud.StartAsync(data.Path, configure: AddConsumer))
        {
            pid = await cloud.CreateProductAsync();
            cik = await cloud.ProvisionAsync(pid, "gw-1");
            using var client = new HttpClient { BaseAddress = cloud.BaseAddress };
            for (var i = 0; i < 5; i++)
            {
                (await client.SendAsync(DeviceHttp.Write(cik, $"device_info=a{i}"))).EnsureSuccessStatusCode();
            }

            await inbox.WaitForAsync(5);
        }

        await using (var cloud = await TestCloud.StartAsync(data.Path, configure: AddConsumer))
        {
            using var client = new HttpClient { BaseAddress = cloud.BaseAddress };
            (await client.SendAsync(DeviceHttp.Write(cik, "device_info=b0"))).EnsureSuccessStatusCode();
            await inbox.WaitForAsync(6);
        }

        Assert.Equal(["a0", "a1", "a2", "a3", "a4", "b0"], inbox.Values);
    }

    [Fact]
    public async Task FailingConsumer_IsRetriedFromTheSameOffset_AndNeverBlocksWrites()
    {
        var inbox = new Inbox { FailFirst = 1 };
        await using var cloud = await TestCloud.StartAsync(configure: services => services.AddSingleton(inbox).AddHostedService<RecordingConsumer>());
        var pid = await cloud.CreateProductAsync();
        var cik = await cloud.ProvisionAsync(pid, "gw-1");
        using var client = new HttpClient { BaseAddress = cloud.BaseAddress };
        for (var i = 0; i < 3; i++)
        {
            (await client.SendAsync(DeviceHttp.Write(cik, $"device_info=v{i}"))).EnsureSuccessStatusCode();
        }

        await inbox.WaitForAsync(3);
        Assert.True(inbox.FailFirst < 0, "no batch with a value ever failed");
        Assert.Equal(["v0", "v1", "v2"], inbox.Values);
    }
}
