#pragma warning disable CA1050 // The runtime looks the startup hook type up by this exact name, outside any namespace.

using Outpost.Gateway.Tests.Queue;

/// <summary>
/// Turns the test assembly into the crash-writer child process (or, with <c>OUTPOST_GMQ_CHILD</c>, a GMQ process) when started as
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

        if (Environment.GetEnvironmentVariable(Outpost.Gateway.Tests.Gmq.GmqChild.Variable) is { Length: > 0 } gmq)
        {
            Outpost.Gateway.Tests.Gmq.GmqChild.Run(gmq);
        }
    }
}
