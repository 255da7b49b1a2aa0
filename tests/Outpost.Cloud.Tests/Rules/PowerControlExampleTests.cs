using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Cloud.Stream;
using Outpost.Cloud.Tests.DeviceApi;
using Outpost.Testing;
using static Outpost.Cloud.Tests.Rules.RuleHarness;

namespace Outpost.Cloud.Tests.Rules;

/// <summary>
/// The business-logic example of seed 001, as shipped in examples/rules/power-control: an operator turns a device
/// off; a rule checks the device may be turned off and commands it; the device's acknowledgement clears the pending state.
/// </summary>
public sealed class PowerControlExampleTests
{
    [Fact]
    public async Task OperatorPowerOff_IsCheckedCommandedAndAcknowledged_AsTheShippedRuleSetSays()
    {
        await using var cloud = await TestCloud.StartAsync();
        var pid = await cloud.CreateProductAsync(template: "empty");
        foreach (var (alias, settable) in new[] { ("control", true), ("pending", true), ("command", true), ("state", false), ("ack", false) })
        {
            await cloud.AddAliasAsync(pid, alias, "string", settable);
        }

        foreach (var file in Directory.GetFiles(Path.Combine(ExamplesDirectory(), "power-control"), "*.json").Order())
        {
            await CreateRuleAsync(cloud, pid, await File.ReadAllTextAsync(file));
        }

        var cik = await cloud.ProvisionAsync(pid, "gw-1");
        await cloud.AddDevicesAsync(pid, "gw-2"); // known but never activated
        await DeviceWriteAsync(cloud, cik, "state=on");
        using var operatorClient = await RuleEngineTests.TokenClientAsync(cloud, "operator");
        using var viewerClient = await RuleEngineTests.TokenClientAsync(cloud, "viewer");

        // Role-checked: a viewer may not ask; and the device writing its own control alias is not an operator's request.
        using (var refused = await viewerClient.PostAsJsonAsync($"api/v1/products/{pid}/devices/gw-1/values", new { control = "power=off" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        await DeviceWriteAsync(cloud, cik, "control=power%3Doff");
        await CaughtUpAsync(cloud);
        Assert.Null(await LatestAsync(cloud, pid, "gw-1", "command"));

        // The device long-polls its command alias; the operator's write wakes it through the rule.
        using var device = new HttpClient { BaseAddress = cloud.BaseAddress };
        var poll = device.SendAsync(DeviceHttp.Read(cik, "command", timeoutMs: 30_000));
        var notifier = (InProcessChangeNotifier)cloud.Services.GetRequiredService<IChangeNotifier>();
        await UntilAsync(cloud, () => Task.FromResult(notifier.IsAwaited("command")), "the device's long poll never started waiting");
        using (var asked = await operatorClient.PostAsJsonAsync($"api/v1/products/{pid}/devices/gw-1/values", new { control = "power=off" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, asked.StatusCode);
        }

        using (var command = await poll.WaitAsync(TimeSpan.FromSeconds(30)))
        {
            Assert.Equal(HttpStatusCode.OK, command.StatusCode);
            Assert.Equal("command=power%3Doff", await command.Content.ReadAsStringAsync());
        }

        await CaughtUpAsync(cloud);
        Assert.Equal("power=off", await LatestAsync(cloud, pid, "gw-1", "pending"));

        // The device carries it out and acknowledges: the pending state clears.
        await DeviceWriteAsync(cloud, cik, "ack=power%3Doff&state=off");
        await CaughtUpAsync(cloud);
        await CaughtUpAsync(cloud); // the rule's own write to pending is an event too
        Assert.Equal("", await LatestAsync(cloud, pid, "gw-1", "pending"));

        // A device that is not activated (or whose state does not allow it) is refused: an alert, no command.
        (await operatorClient.PostAsJsonAsync($"api/v1/products/{pid}/devices/gw-2/values", new { control = "power=on" })).EnsureSuccessStatusCode();
        await DeviceWriteAsync(cloud, cik, "state=updating");
        (await operatorClient.PostAsJsonAsync($"api/v1/products/{pid}/devices/gw-1/values", new { control = "power=on" })).EnsureSuccessStatusCode();
        await CaughtUpAsync(cloud);
        var alerts = await AlertsAsync(cloud, pid, "open");
        Assert.Equal(["gw-1: power=on refused (device not activated, or its state does not allow it)", "gw-2: power=on refused (device not activated, or its state does not allow it)"],
            alerts.Select(a => a.GetProperty("message").GetString()).Order());
        Assert.Null(await LatestAsync(cloud, pid, "gw-2", "command"));
        Assert.Equal(["power=off"], (await cloud.HistoryAsync(pid, "gw-1", "command")).Select(h => h.Value));
    }
}
