namespace Outpost.Gateway.Queue;

/// <summary>How much one device has waiting; kept in memory so bounds and fair share need no scan of the queue.</summary>
internal sealed class DeviceBacklog
{
    public long Count { get; set; }

    public long Bytes { get; set; }
}
