using System.CommandLine;

namespace Outpost.Cloud.Cli;

/// <summary>
/// <c>outpost login</c>: checks a server and token, then saves them in the config file (0600) so later commands need
/// neither flags nor environment.
/// </summary>
internal static class LoginCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = $"Server URL (else $OUTPOST_SERVER, else {CliConnection.DefaultServer})" };
        var token = new Option<string>("--token") { Description = "API token (else $OUTPOST_TOKEN)" };
        var command = new Command("login", "Check a server and token and save them in the config file") { server, token };
        command.SetAction((parse, ct) => CliActions.RunAsync(async () =>
        {
            // Flags and environment only: logging in must not quietly reuse what is already saved.
            var connection = CliConnection.Resolve(parse.GetValue(server), parse.GetValue(token), Environment.GetEnvironmentVariable, config: null);
            if (connection.Token is null)
            {
                throw CliError.Usage("give the token: outpost login --server URL --token TOKEN");
            }

            // Any read proves both the address and the token; viewer tokens may list products.
            using (var client = new ManagementClient(connection))
            {
                await client.ListProductsAsync(ct);
            }

            var path = CliConfigFile.DefaultPath(Environment.GetEnvironmentVariable);
            new CliConfigFile(connection.ServerText, connection.Token).Write(path);
            Console.WriteLine($"logged in to {connection.ServerText}; saved in {path}");
        }, ct));
        return command;
    }
}
