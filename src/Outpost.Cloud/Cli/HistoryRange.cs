namespace Outpost.Cloud.Cli;

/// <summary>Which part of a series to read: <c>from</c>/<c>to</c> as the server parses them (ISO-8601, epoch, <c>-1h</c>) and a point limit.</summary>
internal sealed record HistoryRange(string? From, string? To, int? Limit);
