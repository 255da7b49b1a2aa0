using Outpost.Cloud.Rules;

namespace Outpost.Cloud.Tests.Rules;

public sealed class RuleEvaluatorTests
{
    private static readonly RuleDefinition DiskFull = RuleParserTests.Parse("""
        {"name": "disk-full", "alias": "usage_report", "path": "$.disks[?(@.mount=='/')].used_pct", "op": ">", "value": 90,
         "clear_when": {"op": "<", "value": 80}, "actions": [{"alert": {}}]}
        """);

    private static RuleOutcome Step(RuleDefinition rule, string value, ref bool firing, RuleWindow? window = null, long ts = 0, long offset = 0, DeviceFacts? facts = null)
    {
        var outcome = RuleEvaluator.Evaluate(rule, value, ts, offset, window, firing, facts ?? DeviceFacts.None);
        firing = outcome switch { RuleOutcome.Open => true, RuleOutcome.Clear => false, _ => firing };
        return outcome;
    }

    private static string Disk(int pct) => $$"""{"disks": [{"mount": "/boot", "used_pct": 10}, {"mount": "/", "used_pct": {{pct}}}]}""";

    [Fact]
    public void StateRule_OpensAboveTheThreshold_AndClearsOnlyBelowTheHysteresisBand()
    {
        var firing = false;
        Assert.Equal(RuleOutcome.None, Step(DiskFull, Disk(85), ref firing));
        Assert.Equal(RuleOutcome.Open, Step(DiskFull, Disk(91), ref firing));
        Assert.Equal(RuleOutcome.None, Step(DiskFull, Disk(95), ref firing));
        Assert.Equal(RuleOutcome.None, Step(DiskFull, Disk(85), ref firing)); // between 80 and 90: no flapping
        Assert.Equal(RuleOutcome.None, Step(DiskFull, Disk(91), ref firing));
        Assert.Equal(RuleOutcome.Clear, Step(DiskFull, Disk(79), ref firing));
        Assert.Equal(RuleOutcome.None, Step(DiskFull, Disk(85), ref firing));
        Assert.Equal(RuleOutcome.Open, Step(DiskFull, Disk(99), ref firing));
    }

    [Fact]
    public void StateRule_WithoutClearWhen_ClearsWhenTheConditionStopsHolding()
    {
        var rule = RuleParserTests.Parse("""{"name": "hot", "alias": "temp", "op": ">", "value": 30, "actions": [{"alert": {}}]}""");
        var firing = false;
        Assert.Equal(RuleOutcome.Open, Step(rule, "31", ref firing));
        Assert.Equal(RuleOutcome.Clear, Step(rule, "30", ref firing));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"disks\": []}")]
    [InlineData("{\"disks\": [{\"mount\": \"/\"}]}")]
    public void ValuesThePathDoesNotReach_AreIgnored(string value)
    {
        var firing = true;
        Assert.Equal(RuleOutcome.None, Step(DiskFull, value, ref firing));
        Assert.True(firing);
    }

    [Fact]
    public void WindowedAverage_ComparesTheAverage_NotTheLastValue()
    {
        var rule = RuleParserTests.Parse("""{"name": "avg", "alias": "temp", "op": ">", "value": 30, "window": {"fn": "avg", "minutes": 5}, "actions": [{"alert": {}}]}""");
        var window = new RuleWindow(rule.WindowFunction!.Value, rule.WindowLength);
        var firing = false;
        Assert.Equal(RuleOutcome.None, Step(rule, "20", ref firing, window, ts: 60_000, offset: 1));
        Assert.Equal(RuleOutcome.None, Step(rule, "39", ref firing, window, ts: 120_000, offset: 2)); // avg 29.5
        Assert.Equal(RuleOutcome.Open, Step(rule, "35", ref firing, window, ts: 180_000, offset: 3)); // avg 31.3
        Assert.Equal(RuleOutcome.None, Step(rule, "35", ref firing, window, ts: 180_000, offset: 3)); // redelivered: same answer
        Assert.Equal(RuleOutcome.Clear, Step(rule, "10", ref firing, window, ts: 400_000, offset: 4)); // 20 gone: avg(39,35,10)=28
    }

    [Fact]
    public void EventRule_FiresEachTime_OrIsRefusedWhenARequirementFails()
    {
        var rule = RuleParserTests.Parse("""
            {"name": "power", "mode": "event", "alias": "control", "op": "matches", "value": "^power=(on|off)$",
             "require": {"status": "activated", "aliases": {"state": {"op": "!=", "value": "updating"}}},
             "actions": [{"write": {"alias": "command", "value": "{{value}}"}}], "otherwise": [{"alert": {}}]}
            """);
        var ok = new DeviceFacts("activated", new Dictionary<string, string> { ["state"] = "on" });
        var firing = false;
        Assert.Equal(RuleOutcome.Fire, Step(rule, "power=off", ref firing, facts: ok));
        Assert.Equal(RuleOutcome.Fire, Step(rule, "power=off", ref firing, facts: ok));
        Assert.Equal(RuleOutcome.None, Step(rule, "reboot", ref firing, facts: ok));
        Assert.Equal(RuleOutcome.Refuse, Step(rule, "power=on", ref firing, facts: ok with { Status = "notactivated" }));
        Assert.Equal(RuleOutcome.Refuse, Step(rule, "power=on", ref firing, facts: new DeviceFacts("activated", new Dictionary<string, string> { ["state"] = "updating" })));
        Assert.Equal(RuleOutcome.Refuse, Step(rule, "power=on", ref firing, facts: new DeviceFacts("activated", new Dictionary<string, string>())));
        Assert.False(firing);
    }

    [Fact]
    public void AliasOperand_ComparesWithTheDevicesOtherValue()
    {
        var rule = RuleParserTests.Parse("""{"name": "ack", "mode": "event", "alias": "ack", "op": "==", "value": {"alias": "pending"}, "actions": [{"write": {"alias": "pending", "value": ""}}]}""");
        var firing = false;
        var facts = new DeviceFacts("activated", new Dictionary<string, string> { ["pending"] = "power=off" });
        Assert.Equal(RuleOutcome.Fire, Step(rule, "power=off", ref firing, facts: facts));
        Assert.Equal(RuleOutcome.None, Step(rule, "power=on", ref firing, facts: facts));
        Assert.Equal(RuleOutcome.None, Step(rule, "power=off", ref firing, facts: DeviceFacts.None));
    }

    [Fact]
    public void StateRule_DoesNotOpenWhileARequirementFails()
    {
        var rule = RuleParserTests.Parse("""{"name": "hot", "alias": "temp", "op": ">", "value": 30, "require": {"status": "activated"}, "actions": [{"alert": {}}]}""");
        var firing = false;
        Assert.Equal(RuleOutcome.None, Step(rule, "40", ref firing, facts: DeviceFacts.None with { Status = "disabled" }));
        Assert.Equal(RuleOutcome.Open, Step(rule, "40", ref firing));
    }

    [Fact]
    public void Template_FillsTheKnownPlaceholders() =>
        Assert.Equal("gw-1 p1 control=power=off by r {{other}}",
            RuleTemplate.Fill("{{serial}} {{product}} {{alias}}={{value}} by {{rule}} {{other}}", "r", "p1", "gw-1", "control", "power=off"));
}
