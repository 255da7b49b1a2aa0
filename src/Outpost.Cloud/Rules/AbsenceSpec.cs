namespace Outpost.Cloud.Rules;

/// <summary>
/// "Offline": the device has not been seen for <paramref name="Intervals"/> × its <c>update_interval</c>
/// (<paramref name="DefaultInterval"/> when it has not reported one).
/// </summary>
internal sealed record AbsenceSpec(double Intervals, TimeSpan DefaultInterval)
{
    /// <summary>Whether a device last seen at <paramref name="lastSeen"/> with <paramref name="interval"/> is absent at <paramref name="now"/>.</summary>
    public bool IsAbsent(DateTimeOffset lastSeen, TimeSpan? interval, DateTimeOffset now) =>
        now - lastSeen > (interval ?? DefaultInterval) * Intervals;
}
