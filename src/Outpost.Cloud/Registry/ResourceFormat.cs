namespace Outpost.Cloud.Registry;

/// <summary>What values an alias accepts.</summary>
internal enum ResourceFormat
{
    /// <summary>Any text.</summary>
    String,

    /// <summary>A JSON document.</summary>
    Json,

    /// <summary>A decimal number.</summary>
    Number,
}
