namespace Outpost.Cloud.Ingest;

/// <summary>One value of one alias at one time (epoch milliseconds).</summary>
internal readonly record struct ValuePoint(string Alias, long TimestampMs, string Value);
