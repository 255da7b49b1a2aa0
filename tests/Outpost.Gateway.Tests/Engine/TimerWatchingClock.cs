using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Outpost.Gateway.Tests.Engine;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells the test each timer created on it (its due time): a test advances the
/// clock only once the wait it means to end is armed, instead of guessing when the loop got there.
/// </summary>
internal sealed class TimerWatchingClock : TimeProvider
{
    public FakeTimeProvider Fake { get; } = new(TimeProvider.System.GetUtcNow());

    /// <summary>The due time of every timer created, in order.</summary>
    public Channel<TimeSpan> Timers { get; } = Channel.CreateUnbounded<TimeSpan>();

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        Timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>
    /// Waits until a timer due in <paramref name="dueTime"/> exists (Task.Delay arms it in whole milliseconds), then
    /// moves the clock past it.
    /// </summary>
    public async Task AdvancePastTimerAsync(TimeSpan dueTime, CancellationToken cancellationToken)
    {
        TimeSpan armed;
        do
        {
            armed = await Timers.Reader.ReadAsync(cancellationToken);
        }
        while ((armed - dueTime).Duration() >= TimeSpan.FromMilliseconds(1));

        Fake.Advance(armed);
    }
}
