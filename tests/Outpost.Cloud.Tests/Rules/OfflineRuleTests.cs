using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Outpost.Cloud.Rules;
using Outpost.Testing;
using static Outpost.Cloud.Tests.Rules.RuleHarness;

namespace Outpost.Cloud.Tests.Rules;

public sealed class OfflineRuleTests
{
    [Fact]
    public async Task AbsenceRule_OpensAfterThreeUpdateIntervals_AndClearsWhenTheDeviceIsBack()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var cloud = await TestCloud.StartAsync(clock: clock);
        var pid = await cloud.CreateProductAsync();
        await CreateRuleAsync(cloud, pid, """{"name": "offline", "absence": {"intervals": 3, "default_interval": "1h"}, "actions": [{"alert": {"severity": "critical"}}]}""");
        var cik = await cloud.ProvisionAsync(pid, "gw-1");
        var quiet = await cloud.ProvisionAsync(pid, "gw-2"); // never reports an interval: the rule's default (1 h) applies
        await DeviceWriteAsync(cloud, cik, "update_interval=10");
        await CaughtUpAsync(cloud); // the engine has seen gw-1's update_interval
        var engine = cloud.Services.GetRequiredService<RuleEngine>();

        async Task TickAsync(TimeSpan by)
        {
            await CaughtUpAsync(cloud); // so the next thing the engine applies is the absence check, not a batch of events
            var ticked = engine.NextAppliedAsync();
            clock.Advance(by);
            await ticked.WaitAsync(TimeSpan.FromSeconds(30));
        }

        await TickAsync(TimeSpan.FromSeconds(25)); // 25 s < 3 × 10 s
        Assert.Empty(await AlertsAsync(cloud, pid));

        await TickAsync(TimeSpan.FromSeconds(10)); // 35 s > 30 s
        var alert = Assert.Single(await AlertsAsync(cloud, pid, "open"));
        Assert.Equal(("gw-1", "critical", "offline"), (alert.GetProperty("serial").GetString(), alert.GetProperty("severity").GetString(), alert.GetProperty("rule").GetString()));
        Assert.StartsWith("gw-1 not seen since ", alert.GetProperty("message").GetString(), StringComparison.Ordinal);

        await TickAsync(TimeSpan.FromSeconds(5)); // still away: no second alert
        Assert.Single(await AlertsAsync(cloud, pid));

        await DeviceWriteAsync(cloud, cik, "device_info=back");
        await TickAsync(AbsenceMonitor.Period);
        Assert.Equal("cleared", Assert.Single(await AlertsAsync(cloud, pid)).GetProperty("state").GetString());

        await TickAsync(TimeSpan.FromHours(3) + TimeSpan.FromMinutes(1)); // both are away now; gw-2 by its 1 h default
        Assert.Equal(["gw-1", "gw-2"], (await AlertsAsync(cloud, pid, "open")).Select(a => a.GetProperty("serial").GetString()).Order());
        GC.KeepAlive(quiet);

        // A device disabled while away is no longer expected: its absence alert clears.
        (await cloud.Admin.PostAsync($"api/v1/products/{pid}/devices/gw-2/disable", null)).EnsureSuccessStatusCode();
        await TickAsync(AbsenceMonitor.Period);
        Assert.Equal(["gw-1"], (await AlertsAsync(cloud, pid, "open")).Select(a => a.GetProperty("serial").GetString()));
    }
}
