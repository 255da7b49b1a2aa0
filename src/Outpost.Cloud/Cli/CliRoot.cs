using System.CommandLine;
using Outpost.Cloud.Hosting;

namespace Outpost.Cloud.Cli;

/// <summary>
/// The <c>outpost</c> command tree: <c>serve</c> runs the cloud; <c>login</c>, <c>product</c>, <c>device</c>,
/// <c>content</c>, <c>token</c>, <c>fleet</c>, <c>rollout</c>, <c>rule</c> and <c>alert</c> are the admin CLI over its management API. An admin command runs as:
/// 1. System.CommandLine parses the arguments (usage errors exit 1 with its own message);
/// 2. <see cref="CliActions"/> resolves the <see cref="CliConnection"/> (flags, environment, config file);
/// 3. the command calls the <see cref="ManagementClient"/>, which maps problem documents and network failures to <see cref="CliError"/>;
/// 4. <see cref="Output"/> prints a table or the API's JSON; a <see cref="CliError"/> becomes one stderr line and its exit code.
/// </summary>
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
            SimulateCommand.Create(),
            RolloutCommands.Create(),
            RuleCommands.Create(),
            RuleCommands.CreateAlerts(),
            FleetCommand.Create(),
            DemoCommand.Create(),
        };
        return root;
    }
}
