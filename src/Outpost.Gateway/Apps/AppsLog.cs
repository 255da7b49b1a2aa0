using Microsoft.Extensions.Logging;

namespace Outpost.Gateway.Apps;

/// <summary>The install pipeline's log messages (event ids 6100–6199).</summary>
internal static partial class AppsLog
{
    [LoggerMessage(6100, LogLevel.Information, "Installing {App} {Version} from {Tarball}")]
    public static partial void Installing(this ILogger logger, string app, string version, string tarball);

    [LoggerMessage(6101, LogLevel.Information, "{App} {Version} is installed and current")]
    public static partial void Installed(this ILogger logger, string app, string version);

    [LoggerMessage(6102, LogLevel.Warning, "Installing {App} {Version} failed: {Reason}")]
    public static partial void InstallFailed(this ILogger logger, string app, string version, string reason);

    [LoggerMessage(6103, LogLevel.Information, "{App} is back on {Version}")]
    public static partial void Restored(this ILogger logger, string app, string version);

    [LoggerMessage(6104, LogLevel.Error, "{App} {Version} could not be restored: {Reason}")]
    public static partial void RestoreFailed(this ILogger logger, string app, string version, string reason);

    [LoggerMessage(6105, LogLevel.Warning, "An interrupted {Operation} of {App} {Version} was found at start-up: {Outcome}")]
    public static partial void Recovered(this ILogger logger, string operation, string app, string version, string outcome);

    [LoggerMessage(6106, LogLevel.Information, "{App} uninstalled")]
    public static partial void Uninstalled(this ILogger logger, string app);

    [LoggerMessage(6107, LogLevel.Warning, "Could not remove {Path}: {Reason}")]
    public static partial void CleanupFailed(this ILogger logger, string path, string reason);

    [LoggerMessage(6108, LogLevel.Warning, "{App} {Version}: its program could not be registered: {Reason}")]
    public static partial void RegisterFailed(this ILogger logger, string app, string version, string reason);

    [LoggerMessage(6109, LogLevel.Information, "{App}: supervisor.conf: {Warning}")]
    public static partial void ConfWarning(this ILogger logger, string app, string warning);

    [LoggerMessage(6110, LogLevel.Warning, "The install.sh of {App} {Version} was still running from before the restart (process group {Group}); killed")]
    public static partial void ScriptGroupKilled(this ILogger logger, string app, string version, int group);
}
