using System.CommandLine;
using Outpost.Cloud.Hosting;

namespace Outpost.Cloud.Cli;

/// <summary>The <c>outpost</c> command tree.</summary>
internal static class CliRoot
{
    public static RootCommand Create()
    {
        var root = new RootCommand($"Outpost {VersionInfo.Text}: run and manage fleets of IoT gateways")
        {
            ServeCommand.Create(),
        };
        return root;
    }
}
