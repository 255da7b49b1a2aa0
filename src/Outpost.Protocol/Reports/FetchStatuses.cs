namespace Outpost.Protocol.Reports;

/// <summary>The values of <see cref="FetchStatus.Status"/>.</summary>
public static class FetchStatuses
{
    /// <summary>The new version is installed, running (when supervised) and current.</summary>
    public const string Installed = "installed";

    /// <summary>The command failed and there was no previous version to go back to; nothing of the attempt is left.</summary>
    public const string Failed = "failed";

    /// <summary>The install failed and the previous version is running again (also: a rollback command succeeded).</summary>
    public const string RolledBack = "rolled_back";

    /// <summary>The command was refused before anything changed (bad JSON, unknown verb or app, bad name).</summary>
    public const string Rejected = "rejected";

    /// <summary>The app was stopped and removed.</summary>
    public const string Uninstalled = "uninstalled";

    /// <summary>A start command succeeded.</summary>
    public const string Started = "started";

    /// <summary>A stop command succeeded.</summary>
    public const string Stopped = "stopped";

    /// <summary>A restart command succeeded.</summary>
    public const string Restarted = "restarted";

    /// <summary>A report command sent every report.</summary>
    public const string Reported = "reported";
}
