// gwe: the Outpost gateway engine. The CLI follows seed 002's `gwe -h`; see Cli/GweCli.cs for how flags are added.
using Outpost.Gateway.Cli;

if (OperatingSystem.IsWindows())
{
    // Slots, modes and supervisord are Unix concepts; gwe runs on Linux gateways.
    Console.Error.WriteLine("gwe: runs on Linux (and other Unix systems) only");
    return 1;
}

// No termination timeout: the daemon's host handles SIGTERM itself and may need minutes (stopwaitsecs per app) to stop
// its apps; System.CommandLine would otherwise end the process 2 s after the signal, orphaning them mid-stop.
return await GweCli.RunAsync(args, new System.CommandLine.InvocationConfiguration { ProcessTerminationTimeout = null });
