using Microsoft.Extensions.Logging;

namespace Outpost.Gateway.Supervisor;

/// <summary>The supervisor's log messages (event ids 7000–7099).</summary>
internal static partial class SupervisorLog
{
    [LoggerMessage(EventId = 7000, Message = "{Program} entered {State}{PidNote}")]
    private static partial void StateEntered(this ILogger logger, LogLevel level, string program, ProcessState state, string pidNote);

    /// <summary>Logs a state entered, with the pid when there is one (not "(pid (null))"); at Debug inside a quick
    /// restart loop (see <see cref="RestartsSpaced"/>), else at Information.</summary>
    public static void StateEntered(this ILogger logger, LogLevel level, string program, ProcessState state, int? pid) =>
        logger.StateEntered(level, program, state, pid is { } p ? $" (pid {p})" : string.Empty);

    [LoggerMessage(EventId = 7001, Message = "{Program} spawned with pid {Pid}")]
    public static partial void Spawned(this ILogger logger, LogLevel level, string program, int pid);

    [LoggerMessage(7002, LogLevel.Warning, "{Program} could not be spawned: {Reason}")]
    public static partial void SpawnFailed(this ILogger logger, string program, string reason);

    [LoggerMessage(EventId = 7003, Message = "{Program} pid {Pid} exited with code {ExitCode}")]
    public static partial void Exited(this ILogger logger, LogLevel level, string program, int pid, int exitCode);

    [LoggerMessage(7004, LogLevel.Information, "{Program}: sending {Signal} to pid {Pid} (group: {Group})")]
    public static partial void Signalling(this ILogger logger, string program, UnixSignal signal, int pid, bool group);

    [LoggerMessage(7005, LogLevel.Warning, "{Program} pid {Pid} still running after stopwaitsecs; sending SIGKILL (group: {Group})")]
    public static partial void Killing(this ILogger logger, string program, int pid, bool group);

    [LoggerMessage(7006, LogLevel.Error, "{Program}: writing its log {Path} failed")]
    public static partial void LogWriteFailed(this ILogger logger, Exception exception, string program, string path);

    [LoggerMessage(7007, LogLevel.Error, "{Program}: the supervisor lost track of the process; state is UNKNOWN")]
    public static partial void Faulted(this ILogger logger, Exception exception, string program);

    [LoggerMessage(7008, LogLevel.Warning, "setsid (util-linux) not found: programs share gwe's process group, so stopasgroup/killasgroup reach only the main process")]
    public static partial void NoSetsid(this ILogger logger);

    [LoggerMessage(7009, LogLevel.Warning, "setpriv with --pdeathsig (util-linux >= 2.33) not found: apps would outlive a killed gwe")]
    public static partial void NoSetpriv(this ILogger logger);

    [LoggerMessage(7010, LogLevel.Information, "{Program}: {Request} refused: {Reason}")]
    public static partial void Refused(this ILogger logger, string program, string request, string reason);

    [LoggerMessage(7012, LogLevel.Warning, "{Program} exited {RunMs} ms after it started; while its runs last under 1 s it is restarted 1 s after each start, and those restarts are logged at Debug")]
    public static partial void RestartsSpaced(this ILogger logger, string program, long runMs);

    [LoggerMessage(7011, LogLevel.Information, "Supervisor stopping {Count} program(s) not yet stopped")]
    public static partial void StoppingAll(this ILogger logger, int count);
}
