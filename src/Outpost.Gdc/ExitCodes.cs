namespace Outpost.Gdc;

/// <summary>gdc's exit codes, for shell scripts to branch on.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Bad arguments, or a request the cloud rejected as wrong (unknown alias, bad value).</summary>
    public const int Usage = 1;

    /// <summary>No or wrong CIK (401), or activation refused (404/409).</summary>
    public const int Auth = 2;

    /// <summary>Network errors, timeouts or 5xx that outlasted the retries; a download that failed its sha256 check.</summary>
    public const int Network = 3;

    /// <summary><c>wait</c>: the timeout passed with no new value.</summary>
    public const int NoChange = 4;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Interrupted = 130;
}
