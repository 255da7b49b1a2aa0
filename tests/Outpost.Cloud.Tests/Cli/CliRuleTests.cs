using Outpost.Cloud.Tests.Rules;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Cli;

public sealed class CliRuleTests
{
    [Fact]
    public async Task Rule_CreateListShowDisableEnableDelete_AndAlertListAck_ByCli()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory("outpost-cli-rule");
        var cli = OutpostCli.For(cloud, temp);
        var pid = await cloud.CreateProductAsync();
        await cloud.AddAliasAsync(pid, "temp", "number", settable: false);
        var file = temp.Combine("hot.json");
        await File.WriteAllTextAsync(file, """{"name": "hot", "alias": "temp", "op": ">", "value": 30, "clear_when": {"op": "<", "value": 25}, "actions": [{"alert": {"severity": "critical"}}]}""");

        var created = await cli.RunAsync("rule", "create", pid, "--file", file);
        Assert.True(created.ExitCode == 0, created.ToString());
        var id = created.Stdout.Trim();
        Assert.StartsWith("ru_", id, StringComparison.Ordinal);

        var list = await cli.RunAsync("rule", "list", pid);
        Assert.Contains("temp > 30 (clear < 25)", list.Stdout, StringComparison.Ordinal);
        Assert.Equal("hot", (await cli.RunAsync("rule", "list", pid, "--json")).Json()[0].GetProperty("name").GetString());
        Assert.Contains("\"severity\": \"critical\"", (await cli.RunAsync("rule", "show", id)).Stdout, StringComparison.Ordinal);

        var cik = await cloud.ProvisionAsync(pid, "gw-1");
        await RuleHarness.DeviceWriteAsync(cloud, cik, "temp=33");
        await RuleHarness.CaughtUpAsync(cloud);
        var alerts = (await cli.RunAsync("alert", "list", pid, "--json")).Json();
        var alertId = alerts[0].GetProperty("id").GetString()!;
        Assert.Contains("critical", (await cli.RunAsync("alert", "list", pid, "--state", "open")).Stdout, StringComparison.Ordinal);
        Assert.Equal($"{alertId}: acknowledged", (await cli.RunAsync("alert", "ack", alertId)).Stdout.Trim());
        var twice = await cli.RunAsync("alert", "ack", alertId);
        Assert.Equal((2, $"outpost: alert {alertId} is acknowledged, not open"), (twice.ExitCode, Assert.Single(twice.ErrorLines)));

        Assert.Equal($"{id}: disabled", (await cli.RunAsync("rule", "disable", id)).Stdout.Trim());
        Assert.Equal("cleared", (await cli.RunAsync("alert", "list", pid, "--json")).Json()[0].GetProperty("state").GetString());
        Assert.Equal($"{id}: enabled", (await cli.RunAsync("rule", "enable", id)).Stdout.Trim());
        Assert.Equal($"deleted {id}", (await cli.RunAsync("rule", "delete", id)).Stdout.Trim());

        // Bad input: one line naming the problem, non-zero exit, nothing created.
        await File.WriteAllTextAsync(file, """{"name": "bad", "alias": "temp", "op": ">", "value": 30, "window": {"fn": "median", "minutes": 5}, "actions": [{"alert": {}}]}""");
        var refused = await cli.RunAsync("rule", "create", pid, "--file", file);
        Assert.Equal((2, "outpost: window.fn: must be avg, min, max or count, not 'median'"), (refused.ExitCode, Assert.Single(refused.ErrorLines)));
        await File.WriteAllTextAsync(file, "{\"name\": ");
        var notJson = await cli.RunAsync("rule", "create", pid, "--file", file);
        Assert.Equal(1, notJson.ExitCode);
        Assert.StartsWith($"outpost: {file} is not JSON: line 1", Assert.Single(notJson.ErrorLines), StringComparison.Ordinal);
        Assert.Equal("(none)", (await cli.RunAsync("rule", "list", pid)).Stdout.Trim());
    }

    [Fact]
    public async Task RuleList_AValueThatIsAnotherAlias_ReadsAsThatAlias()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory("outpost-cli-rule");
        var cli = OutpostCli.For(cloud, temp);
        var pid = await cloud.CreateProductAsync();
        await cloud.AddAliasAsync(pid, "temp", "number", settable: false);
        await cloud.AddAliasAsync(pid, "limit", "number", settable: true);
        var file = temp.Combine("over.json");
        await File.WriteAllTextAsync(file, """{"name": "over", "alias": "temp", "op": ">", "value": {"alias": "limit"}, "actions": [{"alert": {}}]}""");
        var created = await cli.RunAsync("rule", "create", pid, "--file", file);
        Assert.True(created.ExitCode == 0, created.ToString());

        var list = await cli.RunAsync("rule", "list", pid);

        Assert.Contains("temp > latest limit", list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rule_CreateFromYaml_ByCliAndApi_ChecksTheSameFields_AndNamesSyntaxErrorsWithLineAndColumn()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var temp = new TempDirectory("outpost-cli-rule-yaml");
        var cli = OutpostCli.For(cloud, temp);
        var pid = await cloud.CreateProductAsync();
        await cloud.AddAliasAsync(pid, "temp", "number", settable: false); // usage_report is a default alias

        // The shipped example, by the CLI: sent as application/yaml, stored as the same JSON definition.
        var created = await cli.RunAsync("rule", "create", pid, "--file", Path.Combine(RuleHarness.ExamplesDirectory(), "disk-full.yaml"));
        Assert.True(created.ExitCode == 0, created.ToString());
        var shown = (await cli.RunAsync("rule", "show", created.Stdout.Trim(), "--json")).Json().GetProperty("definition");
        Assert.Equal(("$.disks[?(@.mount=='/')].free", 1073741824, "(set)"),
            (shown.GetProperty("path").GetString(), shown.GetProperty("value").GetInt64(), shown.GetProperty("actions")[1].GetProperty("webhook").GetProperty("secret").GetString()));

        // YAML by content (no .yaml name): a state rule that then opens an alert like a JSON one.
        var file = temp.Combine("hot.rule");
        await File.WriteAllTextAsync(file, "name: hot\nalias: temp\nop: '>'\nvalue: 30\nactions:\n  - alert: {severity: critical}\n");
        Assert.Equal(0, (await cli.RunAsync("rule", "create", pid, "--file", file)).ExitCode);
        var cik = await cloud.ProvisionAsync(pid, "gw-1");
        await RuleHarness.DeviceWriteAsync(cloud, cik, "temp=33");
        await RuleHarness.CaughtUpAsync(cloud);
        Assert.Equal("critical", Assert.Single(await RuleHarness.AlertsAsync(cloud, pid, "open")).GetProperty("severity").GetString());

        // Bad input: one line, non-zero exit, nothing created.
        await File.WriteAllTextAsync(file, "name: bad\nalias: temp\nop: '>'\nvalue: 30\nwindow: {fn: median, minutes: 5}\nactions: [{alert: {}}]\n");
        var refused = await cli.RunAsync("rule", "create", pid, "--file", file);
        Assert.Equal((2, "outpost: window.fn: must be avg, min, max or count, not 'median'"), (refused.ExitCode, Assert.Single(refused.ErrorLines)));
        await File.WriteAllTextAsync(file, "name: bad\nop: [>\n");
        var notYaml = await cli.RunAsync("rule", "create", pid, "--file", file);
        Assert.Equal(1, notYaml.ExitCode);
        Assert.StartsWith($"outpost: {file} is not a YAML rule: line 3, column 1: ", Assert.Single(notYaml.ErrorLines), StringComparison.Ordinal);

        // The API takes application/yaml itself: a syntax error or an alias is a 400 with its position.
        var syntax = await RuleHarness.CreateRuleAsync(cloud, pid, "name: x\n  alias: temp\n", System.Net.HttpStatusCode.BadRequest, mediaType: "application/yaml");
        Assert.StartsWith("YAML body: line 2, column 8: ", syntax.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var alias = await RuleHarness.CreateRuleAsync(cloud, pid, "name: &n x\nalias: *n\n", System.Net.HttpStatusCode.BadRequest, mediaType: "application/yaml");
        Assert.Equal("YAML body: line 1, column 7: YAML anchors (&n) are not supported in a rule: write the value out", alias.GetProperty("detail").GetString());
        await RuleHarness.CreateRuleAsync(cloud, pid, "name: x", System.Net.HttpStatusCode.UnsupportedMediaType, mediaType: "text/plain");
        Assert.Equal(["disk-full", "hot"], (await cli.RunAsync("rule", "list", pid, "--json")).Json().EnumerateArray().Select(r => r.GetProperty("name").GetString()).Order());
    }
}
