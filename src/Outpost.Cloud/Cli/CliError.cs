namespace Outpost.Cloud.Cli;

/// <summary>
/// A failure the CLI reports as one line on stderr (<c>outpost: &lt;message&gt;</c>) and exits with
/// <see cref="ExitCode"/>. Thrown from deep inside a command so every command reports failures the same way.
/// </summary>
internal sealed class CliError(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliError Usage(string message) => new(message, ExitCodes.Usage);
}
