namespace Outpost.Gateway.Queue.Forwarding;

/// <summary>One device held back after the cloud answered 429 (<see cref="DeviceHolds"/>), as <c>GET /status</c> shows it.</summary>
/// <param name="UntilMs">When the forwarder sends its values again, epoch milliseconds.</param>
/// <param name="Throttled">Consecutive 429s since its last delivered batch (the exponent of its backoff without Retry-After).</param>
internal sealed record DeviceHold(long UntilMs, int Throttled);
