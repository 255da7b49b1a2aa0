namespace Outpost.Device;

/// <summary>Traffic of one request source (e.g. <c>write:engine_report</c>) since the meter was last reset.</summary>
/// <param name="Requests">Requests sent (each retry counts).</param>
/// <param name="BytesSent">Approximate bytes sent: request line, headers and body.</param>
/// <param name="BytesReceived">Approximate bytes received: status line, headers and body.</param>
public sealed record BandwidthUsage(long Requests, long BytesSent, long BytesReceived);
