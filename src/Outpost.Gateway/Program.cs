// gwe: the Outpost gateway engine. The CLI follows seed 002's `gwe -h`; see Cli/GweCli.cs for how flags are added.
using Outpost.Gateway.Cli;

if (OperatingSystem.IsWindows())
{
    // Slots, modes and supervisord are Unix concepts; gwe runs on Linux gateways.
    Console.Error.WriteLine("gwe: runs on Linux (and other Unix systems) only");
    return 1;
}

return await GweCli.Create().Parse(args).InvokeAsync();
