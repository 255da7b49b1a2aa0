namespace Outpost.Gateway.Queue.Forwarding;

/// <summary>What became of one device's share of a batch.</summary>
internal enum SendOutcome
{
    /// <summary>The cloud acknowledged the values; they were removed from the queue.</summary>
    Sent,

    /// <summary>The cloud refused the device (CIK, activation or the values); its values went to dead letters.</summary>
    DeadLettered,

    /// <summary>The cloud asked this device to slow down (429): it waits out its hold, the other devices go on.</summary>
    Held,

    /// <summary>The cloud could not be reached (or answered 5xx): back off and try again.</summary>
    Unreachable,
}
