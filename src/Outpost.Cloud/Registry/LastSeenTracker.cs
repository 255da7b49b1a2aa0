using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Outpost.Cloud.Registry;

/// <summary>
/// Remembers when each device was last heard from and flushes it to the registry every few seconds, so a
/// device request never costs a registry write of its own.
/// </summary>
internal sealed class LastSeenTracker(IRegistryStore registry, TimeProvider clock, ILogger<LastSeenTracker> logger) : BackgroundService
{
    private static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(5);
    private ConcurrentDictionary<long, DateTimeOffset> _pending = new();

    public void Seen(long deviceId) => _pending[deviceId] = clock.GetUtcNow();

    /// <summary>The not-yet-flushed last-seen time of a device, if any.</summary>
    public DateTimeOffset? Pending(long deviceId) => _pending.TryGetValue(deviceId, out var t) ? t : null;

    /// <summary>When <paramref name="device"/> was last heard from: the unflushed time when newer than the stored one.</summary>
    public DateTimeOffset? LastSeen(Device device) =>
        Pending(device.Id) is { } pending && (device.LastSeen is null || pending > device.LastSeen) ? pending : device.LastSeen;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await FlushAsync(CancellationToken.None);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var batch = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<long, DateTimeOffset>());
        try
        {
            await registry.RecordLastSeenAsync(batch, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RegistryLog.LastSeenFlushFailed(logger, batch.Count, ex);
        }
    }
}
