using Microsoft.Extensions.Logging;

namespace Outpost.Gateway.Daemon;

/// <summary>The daemon host's log messages (event ids 7200–7249).</summary>
internal static partial class DaemonLog
{
    [LoggerMessage(7200, LogLevel.Information, "gwe daemon {Version} starting: pid {Pid}, home {Home}, process manager {ProcessManager}")]
    public static partial void Starting(this ILogger logger, string version, int pid, string home, string processManager);

    [LoggerMessage(7201, LogLevel.Information, "gwe daemon ready: control socket {Socket}")]
    public static partial void Ready(this ILogger logger, string socket);

    [LoggerMessage(7202, LogLevel.Critical, "gwe daemon cannot start: {Reason}")]
    public static partial void CannotStart(this ILogger logger, string reason);

    [LoggerMessage(7203, LogLevel.Warning, "{Warning}")]
    public static partial void ConfWarning(this ILogger logger, string warning);

    [LoggerMessage(7204, LogLevel.Information, "loaded {Count} programs from {Directory}")]
    public static partial void Loaded(this ILogger logger, int count, string directory);

    [LoggerMessage(7205, LogLevel.Information, "stopping: {Reason}")]
    public static partial void Stopping(this ILogger logger, string reason);

    [LoggerMessage(7206, LogLevel.Information, "gwe daemon stopped")]
    public static partial void Stopped(this ILogger logger);

    [LoggerMessage(7208, LogLevel.Information, "update: added [{Added}], changed [{Changed}], removed [{Removed}]")]
    public static partial void Updated(this ILogger logger, string added, string changed, string removed);
}
