namespace Outpost.Gateway.Supervisor;

/// <summary>Settings of the built-in supervisor itself (not of its programs).</summary>
internal sealed record SupervisorOptions
{
    /// <summary>Where <c>AUTO</c> logs go: <c>NAME-stdout.log</c> and <c>NAME-stderr.log</c> (supervisord's childlogdir).</summary>
    public required string LogDirectory { get; init; }

    /// <summary>How a program's stop waits beyond <c>stopwaitsecs</c> for the SIGKILL to land before giving up waiting.</summary>
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(5);
}
