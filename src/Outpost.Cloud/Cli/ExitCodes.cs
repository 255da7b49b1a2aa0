namespace Outpost.Cloud.Cli;

/// <summary>
/// Exit codes of the admin CLI, so scripts can tell "I typed it wrong" from "the server said no" from "the server is
/// not there". Documented in docs/cli.md; keep the two in step.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Bad usage: arguments System.CommandLine rejects, bad local input (a missing file, a malformed k=v), no token.</summary>
    public const int Usage = 1;

    /// <summary>The server answered with an error (4xx/5xx): the line shows its problem detail.</summary>
    public const int Api = 2;

    /// <summary>The server could not be reached (connection refused, unknown host, timeout, connection lost).</summary>
    public const int Unreachable = 3;

    /// <summary>Interrupted (Ctrl-C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}
