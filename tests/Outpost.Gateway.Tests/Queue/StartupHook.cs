#pragma warning disable CA1050 // The runtime looks the startup hook type up by this exact name, outside any namespace.

using Outpost.Gateway.Tests.Queue;

/// <summary>
/// Turns the test assembly into the crash-writer child process when started as
/// <c>DOTNET_STARTUP_HOOKS=&lt;this dll&gt; dotnet &lt;this dll&gt;</c> with <see cref="CrashWriter.DirectoryVariable"/> set;
/// inert otherwise (a test run never sets the variable for itself).
/// </summary>
internal sealed class StartupHook
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(CrashWriter.DirectoryVariable) is { Length: > 0 } directory)
        {
            CrashWriter.Run(directory);
        }
    }
}
