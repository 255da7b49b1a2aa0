namespace Outpost.Protocol.Reports;

/// <summary>One hosted app in <c>engine_report</c>.</summary>
/// <param name="Version">The installed (current) version.</param>
/// <param name="Status">The supervisor state (<c>RUNNING</c>, <c>BACKOFF</c>, …), or <c>INSTALLED</c> for a one-off app.</param>
/// <param name="Exitstatus">The last exit code, when the process has exited.</param>
/// <param name="Uptime">Seconds the current process has been up; zero when not running.</param>
/// <param name="Pid">The running process's pid.</param>
/// <param name="Restarts">Automatic restarts since the app was registered.</param>
public sealed record AppReport(string Version, string Status, int? Exitstatus, long Uptime, int? Pid, int Restarts)
{
    /// <summary>The status of an app that was installed without a <c>supervisor.conf</c> (nothing runs).</summary>
    public const string OneOff = "INSTALLED";

    /// <summary>The supervisor's running state name.</summary>
    public const string Running = "RUNNING";
}
