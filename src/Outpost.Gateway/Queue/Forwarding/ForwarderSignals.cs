namespace Outpost.Gateway.Queue.Forwarding;

/// <summary>
/// How the local API nudges the forwarder. Two signals, because they wake different waits: new work ends an idle wait,
/// but must not cut a backoff short (an app writing every 10 ms would otherwise hammer an unreachable cloud); only
/// evidence that the cloud is back (a passed-through read that got an answer) ends a backoff.
/// </summary>
internal sealed class ForwarderSignals
{
    /// <summary>Values were queued or requeued, an activation is pending, or settings changed.</summary>
    public WakeSignal Work { get; } = new();

    /// <summary>The cloud answered something else GMQ asked: resume forwarding now.</summary>
    public WakeSignal LinkRestored { get; } = new();
}
