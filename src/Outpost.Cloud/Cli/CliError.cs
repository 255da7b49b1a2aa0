namespace Outpost.Cloud.Cli;

/// <summary>
/// A failure the CLI reports as one line on stderr (<c>outpost: &lt;message&gt;</c>) and exits with
/// <see cref="ExitCode"/>. Thrown from deep inside a command so every command reports failures the same way.
/// </summary>
internal sealed class CliError(string message, int exitCode, string? problemCode = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The <c>code</c> of the server's problem document, when it carried one (a refusal the command can word itself).</summary>
    public string? ProblemCode { get; } = problemCode;

    public static CliError Usage(string message) => new(message, ExitCodes.Usage);
}
