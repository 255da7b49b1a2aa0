namespace Outpost.Gateway.Queue.Forwarding;

/// <summary>The forwarder's view of the cloud link, for <c>GET /status</c> and <c>engine_report.gmq</c>.</summary>
/// <param name="State"><c>unknown</c> (nothing tried yet), <c>up</c> or <c>down</c>.</param>
/// <param name="ChangedAtMs">When the state last changed, epoch milliseconds; null before the first attempt.</param>
/// <param name="LastUpAtMs">When the cloud last answered, epoch milliseconds.</param>
/// <param name="LastDownAtMs">When the cloud last could not be reached, epoch milliseconds.</param>
/// <param name="DownTime">Total time the link has been down in this process.</param>
/// <param name="LastError">The last reason the cloud could not be reached or refused a batch.</param>
/// <param name="Forwarded">Values the cloud acknowledged in this process.</param>
/// <param name="Batches">Batches the cloud acknowledged in this process.</param>
/// <param name="Activations">Identities GMQ activated with the cloud in this process.</param>
/// <param name="Throttled">Batches the cloud answered with 429 (a device's rate limit) in this process.</param>
/// <param name="HeldDevices">Devices held back now after a 429, until their Retry-After (the others keep forwarding).</param>
internal sealed record LinkStatistics(
    string State,
    long? ChangedAtMs,
    long? LastUpAtMs,
    long? LastDownAtMs,
    TimeSpan DownTime,
    string? LastError,
    long Forwarded,
    long Batches,
    long Activations,
    long Throttled = 0,
    int HeldDevices = 0);
