using System.Net.Http.Json;
using System.Text.Json;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Cli;

public sealed class CliSimulateTests
{
    [Fact]
    public async Task Simulate_OnAMissingProduct_OrOneWithoutTheGatewayAliases_IsOneLineAndExit2_BeforeAnythingIsRegistered()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory("outpost-cli-simulate");
        var cli = OutpostCli.For(cloud, temp);

        var missing = await cli.RunAsync("simulate", "--product", "nosuchproduct", "--count", "2");
        Assert.Equal((2, "", "outpost: no product nosuchproduct"), (missing.ExitCode, missing.Stdout, Assert.Single(missing.ErrorLines)));

        var pid = await cloud.CreateProductAsync(template: "empty");
        var bare = await cli.RunAsync("simulate", "--product", pid, "--count", "2");
        Assert.Equal((2, ""), (bare.ExitCode, bare.Stdout));
        Assert.Equal($"outpost: product {pid} lacks the gateway aliases usage_report, engine_report, engine_fetch, device_info, update_interval, "
            + "fetch_status the simulated gateways use (create it with --template gateway)", Assert.Single(bare.ErrorLines));
        Assert.Empty((await cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/devices")).EnumerateArray());
    }
}
