using System.Text.Json;
using Outpost.Cloud.Rules;

namespace Outpost.Cloud.Tests.Rules;

public sealed class RuleParserTests
{
    internal static readonly Dictionary<string, bool> Aliases = new(StringComparer.Ordinal)
    {
        ["usage_report"] = false, ["temp"] = false, ["state"] = false, ["ack"] = false,
        ["control"] = true, ["command"] = true, ["pending"] = true,
    };

    internal static RuleDefinition Parse(string json)
    {
        Assert.True(RuleParser.TryParse(JsonDocument.Parse(json).RootElement, Aliases, out var rule, out var error), error);
        return rule!;
    }

    [Fact]
    public void TheIssuesExample_Parses()
    {
        var rule = Parse("""
            {"name": "disk-full", "alias": "usage_report", "path": "$.disk_pct", "op": ">", "value": 90,
             "clear_when": {"op": "<", "value": 80}, "window": null,
             "actions": [{"alert": {"severity": "warning"}}, {"webhook": {"url": "https://hooks.example/x", "secret": "s3cret"}}]}
            """);
        Assert.Equal(("disk-full", "usage_report", "$.disk_pct", RuleMode.State), (rule.Name, rule.Alias, rule.Path!.Text, rule.Mode));
        Assert.Equal(ComparisonOp.Greater, rule.When!.Op);
        Assert.Equal(ComparisonOp.Less, rule.ClearWhen!.Op);
        Assert.Null(rule.WindowFunction);
        Assert.Equal("warning", rule.Actions[0].Alert!.Severity);
        Assert.Equal((6, TimeSpan.FromSeconds(1), "s3cret"), (rule.Actions[1].Webhook!.MaxAttempts, rule.Actions[1].Webhook!.Backoff, rule.Actions[1].Webhook!.Secret));
        Assert.Equal(["device", "management"], rule.Sources.Order());
    }

    [Fact]
    public void AllTheExtensions_Parse()
    {
        var rule = Parse("""
            {"name": "power", "mode": "event", "alias": "control", "sources": ["management"], "op": "matches", "value": "^power=(on|off)$",
             "require": {"status": "activated", "aliases": {"state": {"op": "!=", "value": "updating"}}},
             "actions": [{"write": {"alias": "command", "value": "{{value}}"}}, {"write": {"alias": "pending", "value": "{{value}}", "serial": "other-1"}}],
             "otherwise": [{"alert": {"severity": "info", "message": "refused {{value}}"}}]}
            """);
        Assert.Equal(RuleMode.Event, rule.Mode);
        Assert.Equal(["management"], rule.Sources);
        Assert.Equal("activated", rule.Require!.Status);
        Assert.Equal(["state"], rule.FactAliases);
        Assert.Equal("other-1", rule.Actions[1].Write!.Serial);

        var windowed = Parse("""{"name": "avg-temp", "alias": "temp", "op": ">", "value": 30, "window": {"fn": "avg", "minutes": 5}, "actions": [{"alert": {}}]}""");
        Assert.Equal((WindowFunction.Avg, TimeSpan.FromMinutes(5)), (windowed.WindowFunction, windowed.WindowLength));

        var offline = Parse("""{"name": "offline", "absence": {"intervals": 3, "default_interval": "10m"}, "actions": [{"alert": {"severity": "critical"}}]}""");
        Assert.Equal(new AbsenceSpec(3, TimeSpan.FromMinutes(10)), offline.Absence);

        var ack = Parse("""{"name": "ack", "mode": "event", "alias": "ack", "op": "==", "value": {"alias": "pending"}, "actions": [{"write": {"alias": "pending", "value": ""}}]}""");
        Assert.Equal("pending", ack.When!.OtherAlias);
        Assert.Equal(["pending"], ack.FactAliases);

        var hook = Parse("""{"name": "h", "alias": "temp", "op": ">", "value": 1, "actions": [{"webhook": {"url": "http://127.0.0.1:9/x", "max_attempts": 3, "backoff": "250ms"}}]}""");
        Assert.Equal((3, TimeSpan.FromMilliseconds(250)), (hook.Actions[0].Webhook!.MaxAttempts, hook.Actions[0].Webhook!.Backoff));
    }

    [Theory]
    [InlineData("[]", "rule: must be a JSON object")]
    [InlineData("""{"alias": "temp", "op": ">", "value": 1, "actions": [{"alert": {}}]}""", "name: is required")]
    [InlineData("""{"name": "a b", "alias": "temp", "op": ">", "value": 1, "actions": [{"alert": {}}]}""", "name: must be 1-64")]
    [InlineData("""{"name": "x", "alais": "temp", "op": ">", "value": 1, "actions": [{"alert": {}}]}""", "alais: unknown field")]
    [InlineData("""{"name": "x", "op": ">", "value": 1, "actions": [{"alert": {}}]}""", "alias: is required")]
    [InlineData("""{"name": "x", "alias": "nope", "op": ">", "value": 1, "actions": [{"alert": {}}]}""", "alias: alias 'nope' is not defined")]
    [InlineData("""{"name": "x", "alias": "temp", "op": "=>", "value": 1, "actions": [{"alert": {}}]}""", "op: must be one of")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "actions": [{"alert": {}}]}""", "value: is required")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": "hot", "actions": [{"alert": {}}]}""", "value: > compares numbers")]
    [InlineData("""{"name": "x", "alias": "temp", "op": "matches", "value": "(", "actions": [{"alert": {}}]}""", "value: is not a valid regular expression")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": [1], "actions": [{"alert": {}}]}""", "value: must be a number")]
    [InlineData("""{"name": "x", "alias": "temp", "path": "disk", "op": ">", "value": 1, "actions": [{"alert": {}}]}""", "path: must start with $")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "clear_when": {"op": "<"}, "actions": [{"alert": {}}]}""", "clear_when.value: is required")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "clear_when": {"op": "<", "value": 0, "x": 1}, "actions": [{"alert": {}}]}""", "clear_when.x: unknown field")]
    [InlineData("""{"name": "x", "mode": "event", "alias": "temp", "op": ">", "value": 1, "clear_when": {"op": "<", "value": 0}, "actions": [{"alert": {}}]}""", "clear_when: only a state rule clears")]
    [InlineData("""{"name": "x", "alias": "temp", "op": "<", "value": 1000000, "clear_when": {"op": ">", "value": 2000}, "actions": [{"alert": {}}]}""", "clear_when: a value of 501000 both meets the condition and clears it")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 90, "clear_when": {"op": ">", "value": 95}, "actions": [{"alert": {}}]}""", "clear_when: a value of 96 both meets")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">=", "value": 80, "clear_when": {"op": "<=", "value": 80}, "actions": [{"alert": {}}]}""", "clear_when: a value of 80 both meets")]
    [InlineData("""{"name": "x", "mode": "sometimes", "alias": "temp", "op": ">", "value": 1, "actions": [{"alert": {}}]}""", "mode: must be state or event")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "window": {"fn": "median", "minutes": 5}, "actions": [{"alert": {}}]}""", "window.fn: must be avg")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "window": {"fn": "avg", "minutes": 0}, "actions": [{"alert": {}}]}""", "window.minutes")]
    [InlineData("""{"name": "x", "alias": "temp", "op": "contains", "value": "1", "window": {"fn": "avg", "minutes": 1}, "actions": [{"alert": {}}]}""", "op: a window compares a number")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "sources": ["cloud"], "actions": [{"alert": {}}]}""", "sources[0]: must be one of")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1}""", "actions: is required")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "actions": []}""", "actions: must be a non-empty list")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "actions": [{"email": {}}]}""", "actions[0]: unknown action 'email'")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "actions": [{"alert": {}, "write": {}}]}""", "actions[0]: must be an object with exactly one")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "actions": [{"alert": {"severity": "loud"}}]}""", "actions[0].alert.severity: must be info")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "actions": [{"alert": {}}, {"write": {"alias": "state", "value": "1"}}]}""", "actions[1].write.alias: alias 'state' is not settable")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "actions": [{"write": {"alias": "command"}}]}""", "actions[0].write.value: is required")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "actions": [{"write": {"alias": "command", "value": "1", "on": "later"}}]}""", "actions[0].write.on: must be open or clear")]
    [InlineData("""{"name": "x", "mode": "event", "alias": "temp", "op": ">", "value": 1, "actions": [{"write": {"alias": "command", "value": "1", "on": "clear"}}]}""", "actions: an event rule never clears")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "actions": [{"webhook": {"url": "ftp://x/y"}}]}""", "actions[0].webhook.url: must be an absolute http")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "actions": [{"webhook": {"url": "http://x/y", "max_attempts": 0}}]}""", "actions[0].webhook.max_attempts")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "actions": [{"webhook": {"url": "http://x/y", "backoff": "soon"}}]}""", "actions[0].webhook.backoff")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "actions": [{"webhook": {"url": "http://x/y", "secret": ""}}]}""", "actions[0].webhook.secret")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "otherwise": [{"alert": {}}], "actions": [{"alert": {}}]}""", "otherwise: runs when a requirement fails")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "require": {"status": "online"}, "actions": [{"alert": {}}]}""", "require.status: must be activated")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "require": {"aliases": {"nope": {"op": "==", "value": 1}}}, "actions": [{"alert": {}}]}""", "require.aliases.nope: alias 'nope' is not defined")]
    [InlineData("""{"name": "x", "alias": "temp", "op": ">", "value": 1, "require": {"aliases": {"state": {"op": "~", "value": 1}}}, "actions": [{"alert": {}}]}""", "require.aliases.state.op: must be one of")]
    [InlineData("""{"name": "x", "alias": "temp", "op": "==", "value": {"alias": "nope"}, "actions": [{"alert": {}}]}""", "value.alias: alias 'nope' is not defined")]
    [InlineData("""{"name": "x", "absence": {"intervals": 3}, "alias": "temp", "actions": [{"alert": {}}]}""", "alias: an absence rule has no condition")]
    [InlineData("""{"name": "x", "absence": {"intervals": -1}, "actions": [{"alert": {}}]}""", "absence.intervals: must be a number")]
    [InlineData("""{"name": "x", "absence": {"default_interval": "often"}, "actions": [{"alert": {}}]}""", "absence.default_interval: must be a positive duration")]
    [InlineData("""{"name": "x", "absence": {"default_interval": "99999999999999999999d"}, "actions": [{"alert": {}}]}""", "absence.default_interval: must be a positive duration")]
    [InlineData("""{"name": "x", "mode": "event", "absence": {}, "actions": [{"alert": {}}]}""", "mode: an absence rule is a state rule")]
    public void BadDefinitions_AreRefused_NamingTheField(string json, string expected)
    {
        Assert.False(RuleParser.TryParse(JsonDocument.Parse(json).RootElement, Aliases, out _, out var error));
        Assert.StartsWith(expected.Split(':')[0] + ":", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void AWriteOfAValueNoAliasTakes_IsRefusedWhenTheRuleIsCreated()
    {
        var json = $$$"""{"name": "x", "mode": "event", "alias": "temp", "op": ">", "value": 1, "actions": [{"write": {"alias": "command", "value": "{{{new string('x', 65 * 1024)}}}"}}]}""";
        Assert.False(RuleParser.TryParse(JsonDocument.Parse(json).RootElement, Aliases, out _, out var error));
        Assert.Equal("actions[0].write.value: is over 64 KiB, more than any alias takes", error);
    }

    [Theory]
    [InlineData(">=", 80, "<", 80)]
    [InlineData(">", 80, "<=", 80)]
    [InlineData("<", 1073741824, ">", 2147483648)]
    [InlineData("<=", 5, ">=", 5.5)]
    public void ClearWhen_ThatHoldsOnlyWhereTheConditionDoesNot_IsAccepted(string op, double value, string clearOp, double clearValue)
    {
        var json = $$$"""{"name": "x", "alias": "temp", "op": "{{{op}}}", "value": {{{value}}}, "clear_when": {"op": "{{{clearOp}}}", "value": {{{clearValue}}}}, "actions": [{"alert": {}}]}""";
        Assert.True(RuleParser.TryParse(JsonDocument.Parse(json).RootElement, Aliases, out _, out var error), error);
    }

    [Fact]
    public void OverlappingClearWhen_StoredBeforeTheCheck_StillLoads()
    {
        // The engine loads stored rules without aliases: one created before the overlap check keeps running.
        const string json = """{"name": "x", "alias": "temp", "op": ">", "value": 90, "clear_when": {"op": ">", "value": 95}, "actions": [{"alert": {}}]}""";
        Assert.True(RuleParser.TryParse(JsonDocument.Parse(json).RootElement, null, out _, out var error), error);
    }
}
