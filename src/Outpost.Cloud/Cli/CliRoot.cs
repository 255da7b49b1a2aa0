using System.CommandLine;
using Outpost.Cloud.Hosting;

namespace Outpost.Cloud.Cli;

/// <summary>The <c>outpost</c> command tree: <c>serve</c> runs the cloud; the other groups are the admin CLI over its management API.</summary>
internal static class CliRoot
{
    public static RootCommand Create()
    {
        var root = new RootCommand($"Outpost {VersionInfo.Text}: run and manage fleets of IoT gateways")
        {
            ServeCommand.Create(),
            LoginCommand.Create(),
            ProductCommands.Create(),
            DeviceCommands.Create(),
            ContentCommands.Create(),
            TokenCommands.Create(),
        };
        return root;
    }
}
