using Microsoft.Extensions.Logging;

namespace Outpost.Gateway.Supervisor.Supervisord;

/// <summary>The supervisord backend's log messages (event ids 7100–7149).</summary>
internal static partial class SupervisordLog
{
    [LoggerMessage(7100, LogLevel.Information, "supervisord at {Socket}: version {Version}, state {State}")]
    public static partial void Connected(this ILogger logger, string socket, string version, string state);

    [LoggerMessage(7101, LogLevel.Information, "supervisord: wrote {Path}")]
    public static partial void WroteProgram(this ILogger logger, string path);

    [LoggerMessage(7102, LogLevel.Information, "supervisord: removed {Path}")]
    public static partial void RemovedProgram(this ILogger logger, string path);

    [LoggerMessage(7103, LogLevel.Information, "supervisord: update added [{Added}], changed [{Changed}], removed [{Removed}]")]
    public static partial void Updated(this ILogger logger, string added, string changed, string removed);

    [LoggerMessage(7104, LogLevel.Warning, "supervisord: {Call} for {Program} failed: {Reason}")]
    public static partial void CallFailed(this ILogger logger, string call, string program, string reason);

    [LoggerMessage(7105, LogLevel.Information, "gwe stopping; supervisord keeps running its {Count} apps")]
    public static partial void LeavingAppsRunning(this ILogger logger, int count);
}
