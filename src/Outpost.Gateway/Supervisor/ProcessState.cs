namespace Outpost.Gateway.Supervisor;

/// <summary>supervisord's process states, with supervisord's numeric codes (its XML-RPC API reports these numbers).</summary>
internal enum ProcessState
{
    /// <summary>Stopped by request, or never started.</summary>
    Stopped = 0,

    /// <summary>Spawned; waiting for <c>startsecs</c> to pass.</summary>
    Starting = 10,

    /// <summary>Up for at least <c>startsecs</c>.</summary>
    Running = 20,

    /// <summary>Exited before <c>startsecs</c>; a retry is scheduled.</summary>
    Backoff = 30,

    /// <summary>The stop signal was sent; waiting for the exit.</summary>
    Stopping = 40,

    /// <summary>Exited from RUNNING (expectedly or not) and not restarted, or waiting for its restart after a run shorter
    /// than <see cref="ProcessMachine.MinimumRun"/>.</summary>
    Exited = 100,

    /// <summary>Gave up after <c>startretries</c> failed starts.</summary>
    Fatal = 200,

    /// <summary>The supervisor lost track of the process (a fault in the supervisor itself).</summary>
    Unknown = 1000,
}
