namespace Outpost.Gateway.Apps;

/// <summary>How an app's <c>install.sh</c> ended.</summary>
/// <param name="ExitCode">Its exit code; null when it was killed for running past the timeout or could not start.</param>
/// <param name="Output">stdout and stderr interleaved, the last 16 KiB.</param>
/// <param name="Error">Why it did not succeed, or null when it exited 0.</param>
internal sealed record ScriptOutcome(int? ExitCode, string Output, string? Error)
{
    /// <summary>Whether the script exited 0.</summary>
    public bool Succeeded => Error is null;
}
