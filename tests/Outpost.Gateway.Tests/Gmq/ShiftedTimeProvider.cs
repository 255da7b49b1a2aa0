namespace Outpost.Gateway.Tests.Gmq;

/// <summary>
/// The system clock plus an offset the test moves forward: GMQ's wall clock (what holds and their ends are measured in)
/// jumps when the test says so, while its timers keep running in real time.
/// </summary>
internal sealed class ShiftedTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the clock forward by <paramref name="by"/>.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
