namespace Outpost.Protocol.Reports;

/// <summary>
/// The <c>fetch_status</c> value: the outcome of one <c>engine_fetch</c> command for one app (issue 6). Written by gwe
/// (and the fleet simulator); the rollout engine matches <see cref="Id"/> to its command. Serialise with
/// <see cref="ReportsJsonContext"/>; <see cref="Status"/> is one of <see cref="FetchStatuses"/>.
/// </summary>
/// <param name="Id">The command's <c>id</c>, echoed; null when the command had none.</param>
/// <param name="Command">The verb (<c>install</c>, <c>rollback</c>, …), or null when the command could not be read.</param>
/// <param name="Name">The target as written in the command (tarball name for install, app name otherwise).</param>
/// <param name="App">The app name.</param>
/// <param name="Version">The version installed, restored or attempted.</param>
/// <param name="Status">What happened: see <see cref="FetchStatuses"/>.</param>
/// <param name="Reason">One line saying why, when the status is not a success.</param>
/// <param name="ExitCode">install.sh's exit code, when it ran (null on timeout).</param>
/// <param name="Output">install.sh's stdout and stderr, the last 16 KiB.</param>
/// <param name="Sha256">The tarball's sha256 (lower-case hex), when downloaded.</param>
/// <param name="Started">When the engine started on the command.</param>
/// <param name="Finished">When it finished.</param>
public sealed record FetchStatus(
    string? Id,
    string? Command,
    string? Name,
    string? App,
    string? Version,
    string Status,
    string? Reason,
    int? ExitCode,
    string? Output,
    string? Sha256,
    DateTimeOffset Started,
    DateTimeOffset Finished)
{
    /// <summary>
    /// True when the command found the gateway already as asked and changed nothing (an install of the version
    /// running): the rollout engine must not roll such a device back below what it had. Absent (null) otherwise and
    /// from older gateways, which said so only in <see cref="Reason"/>.
    /// </summary>
    public bool? Unchanged { get; init; }
}
