using Outpost.Cloud.Tests.Rollouts;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Cli;

public sealed class CliRolloutTests
{
    [Fact]
    public async Task Rollout_CreateStatusListPauseResume_ByCli_AgainstScriptedGateways()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory("outpost-cli-rollout");
        var cli = OutpostCli.For(cloud, temp);
        var pid = await cloud.CreateProductAsync();
        var tarball = temp.Combine("test_app.v2.tar.gz");
        await File.WriteAllBytesAsync(tarball, [1, 2, 3]);
        Assert.Equal(0, (await cli.RunAsync("content", "upload", pid, tarball)).ExitCode);
        await using var g1 = await ScriptedGateway.StartAsync(cloud, pid, "gw-1");
        await using var g2 = await ScriptedGateway.StartAsync(cloud, pid, "gw-2");

        var created = await cli.RunAsync("rollout", "create", pid, "--artifact", "test_app.v2.tar.gz", "--waves", "1,100%", "--soak", "1s", "--approve-between-waves");
        Assert.True(created.ExitCode == 0, created.ToString());
        var id = created.Stdout.Trim();
        Assert.StartsWith("ro_", id, StringComparison.Ordinal);

        // Wait for the canary to succeed: the rollout then awaits approval.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string status;
        do
        {
            status = (await cli.RunAsync("rollout", "status", id, "--json")).Json().GetProperty("status").GetString()!;
            await cloud.Admin.GetAsync($"api/v1/products/{pid}/events?after={long.MaxValue - 1}&wait=1", timeout.Token);
        }
        while (status != "awaiting_approval");

        var table = await cli.RunAsync("rollout", "status", id);
        Assert.Contains("awaiting_approval", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("SUCCEEDED", table.Stdout, StringComparison.Ordinal);

        Assert.Equal($"{id}: paused", (await cli.RunAsync("rollout", "pause", id, "--reason", "checking logs")).Stdout.Trim());
        // Resuming finds the canary wave done: it goes back to waiting for approval.
        Assert.Equal($"{id}: awaiting_approval", (await cli.RunAsync("rollout", "resume", id)).Stdout.Trim());
        Assert.Equal($"{id}: running", (await cli.RunAsync("rollout", "approve", id)).Stdout.Trim());
        // Running, or already succeeded if the second wave's soak has ended: either way a resume is refused.
        var again = await cli.RunAsync("rollout", "resume", id);
        Assert.True(again.ExitCode == 2, again.Stdout + (await cli.RunAsync("rollout", "status", id, "--json")).Stdout);
        Assert.StartsWith("outpost: cannot resume a rollout that is ", Assert.Single(again.ErrorLines), StringComparison.Ordinal);

        var list = await cli.RunAsync("rollout", "list", pid);
        Assert.Contains(id, list.Stdout, StringComparison.Ordinal);

        var missing = await cli.RunAsync("rollout", "status", "ro_nosuch");
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal("outpost: no rollout ro_nosuch", Assert.Single(missing.ErrorLines));
    }

    [Fact]
    public async Task Rollout_AbortedWhileDevicesRollBack_StatusCountsThemInFlight_AndCreateSaysDeviceInTheSingular()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory("outpost-cli-rollout-abort");
        var cli = OutpostCli.For(cloud, temp);
        var pid = await cloud.CreateProductAsync();
        await RolloutCalls.UploadAsync(cloud.Admin, pid, "test_app.v2.tar.gz", [1, 2]);
        await cloud.ProvisionAsync(pid, "silent-1"); // activated, commanded, never answers: its rollback is never confirmed

        var created = await cli.RunAsync("rollout", "create", pid, "--artifact", "test_app.v2.tar.gz", "--waves", "100%");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.StartsWith("rollout of test_app.v2.tar.gz to 1 device started;", Assert.Single(created.ErrorLines), StringComparison.Ordinal);
        var id = created.Stdout.Trim();
        Assert.Equal($"{id}: rolling_back", (await cli.RunAsync("rollout", "abort", id, "--reason", "wrong build")).Stdout.Trim());

        var table = await cli.RunAsync("rollout", "status", id);
        var row = table.Stdout.Split('\n').Single(l => l.StartsWith("│ 1 ", StringComparison.Ordinal))
            .Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["1", "1", "0", "1", "0", "0", "0", "0", "0", "0"], row); // WAVE DEVICES PENDING IN FLIGHT SUCCEEDED FAILED TIMED OUT NOT REACHED ROLLED BACK STOPPED
    }

    [Fact]
    public async Task Rollout_WithASerialFileOfOnlyComments_IsRefusedInOneLine_AndNothingIsCommanded()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory("outpost-cli-rollout-serials");
        var cli = OutpostCli.For(cloud, temp);
        var pid = await cloud.CreateProductAsync();
        await RolloutCalls.UploadAsync(cloud.Admin, pid, "test_app.v2.tar.gz", [1, 2]);
        await cloud.ProvisionAsync(pid, "gw-1");
        var file = temp.Combine("serials.txt");
        await File.WriteAllTextAsync(file, "# canaries for Friday\n\n   \n");

        var created = await cli.RunAsync("rollout", "create", pid, "--artifact", "test_app.v2.tar.gz", "--serials", file);

        Assert.Equal(1, created.ExitCode);
        Assert.Equal($"outpost: serial file {file} has no serials", Assert.Single(created.ErrorLines));
        Assert.Equal("[]", await cloud.Admin.GetStringAsync($"api/v1/products/{pid}/rollouts"));
        Assert.Empty(await cloud.HistoryAsync(pid, "gw-1", "engine_fetch"));
    }
}
