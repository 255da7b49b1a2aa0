using Outpost.Protocol.Reports;

namespace Outpost.Gateway.Apps;

/// <summary>What an install, rollback or uninstall did; the engine turns it into <c>fetch_status</c>.</summary>
/// <param name="Status">One of <see cref="FetchStatuses"/>.</param>
/// <param name="App">The app name, when known.</param>
/// <param name="Version">The version installed, restored or attempted.</param>
/// <param name="Reason">One line saying why, when it did not succeed (or what was recovered).</param>
/// <param name="ExitCode">install.sh's exit code, when it ran.</param>
/// <param name="Output">install.sh's output, the last 16 KiB.</param>
/// <param name="Sha256">The tarball's sha256.</param>
/// <param name="Unchanged">The app was already as asked: nothing was done (<see cref="FetchStatus.Unchanged"/>).</param>
internal sealed record AppOperationResult(
    string Status,
    string? App,
    string? Version,
    string? Reason = null,
    int? ExitCode = null,
    string? Output = null,
    string? Sha256 = null,
    bool Unchanged = false)
{
    /// <summary>A refusal before anything changed.</summary>
    public static AppOperationResult Rejected(string? app, string reason) => new(FetchStatuses.Rejected, app, null, reason);
}
