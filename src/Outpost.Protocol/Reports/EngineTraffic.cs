namespace Outpost.Protocol.Reports;

/// <summary>The engine's device-API traffic in <c>usage_report</c>.</summary>
/// <param name="Sources">Per request source (<c>write:engine_report</c>, <c>wait:engine_fetch</c>, <c>download:…</c>).</param>
/// <param name="BytesSent">Sum over the sources.</param>
/// <param name="BytesReceived">Sum over the sources.</param>
/// <param name="TopConsumer">The source with the most bytes (sent + received), or null when there was no traffic.</param>
public sealed record EngineTraffic(IReadOnlyDictionary<string, SourceTraffic> Sources, long BytesSent, long BytesReceived, string? TopConsumer);
