namespace Outpost.Cloud.Stream;

/// <summary>The kinds of events on the stream.</summary>
internal static class EventKinds
{
    /// <summary>A value written now (device write, management write, rule, rollout).</summary>
    public const string Write = "write";

    /// <summary>A value recorded at its own timestamp (record call).</summary>
    public const string Record = "record";

    /// <summary>A value from GMQ's idempotent batch.</summary>
    public const string Batch = "batch";

    /// <summary>A device activated (alias empty, value = serial).</summary>
    public const string Activated = "activated";

    /// <summary>A device's registry status changed (value = new status).</summary>
    public const string Status = "status";
}
