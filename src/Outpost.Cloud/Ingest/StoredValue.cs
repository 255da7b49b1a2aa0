namespace Outpost.Cloud.Ingest;

/// <summary>A value as stored: alias, time (epoch ms) and text.</summary>
internal readonly record struct StoredValue(string Alias, long TimestampMs, string Value);
