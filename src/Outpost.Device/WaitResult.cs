namespace Outpost.Device;

/// <summary>The outcome of a long poll (<see cref="DeviceClient.WaitAsync"/>).</summary>
/// <param name="Changed">True when a new value arrived before the timeout; false for "no change" (304).</param>
/// <param name="Value">The new value, when <paramref name="Changed"/>.</param>
/// <param name="Timestamp">When the value was written (the <c>Last-Modified</c> header, second resolution), when known.</param>
public sealed record WaitResult(bool Changed, string? Value, DateTimeOffset? Timestamp)
{
    /// <summary>The "no change before the timeout" result.</summary>
    public static WaitResult NoChange { get; } = new(false, null, null);

    /// <summary>
    /// The <c>ifModifiedSince</c> to pass to the next wait so this value is not seen again: its timestamp plus one second
    /// (the header has second resolution), or null when unknown.
    /// </summary>
    public DateTimeOffset? NextSince => Timestamp?.AddSeconds(1);
}
