namespace Outpost.Gateway.Queue.Forwarding;

/// <summary>What became of one device's share of a batch.</summary>
internal enum SendOutcome
{
    /// <summary>The cloud acknowledged the values; they were removed from the queue.</summary>
    Sent,

    /// <summary>The cloud refused the device (CIK, activation or the values); its values went to dead letters.</summary>
    DeadLettered,

    /// <summary>The cloud could not be reached (or asked to slow down): back off and try again.</summary>
    Unreachable,
}
