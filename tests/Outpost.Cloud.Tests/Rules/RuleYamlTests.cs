using System.Text.Json;
using System.Text.Json.Nodes;
using Outpost.Cloud.Rules;
using static Outpost.Cloud.Tests.Rules.RuleHarness;

namespace Outpost.Cloud.Tests.Rules;

public sealed class RuleYamlTests
{
    private static string ToJson(string yaml)
    {
        Assert.True(RuleYaml.TryToJson(yaml, out var json, out var error), error);
        return json;
    }

    private static string Refusal(string yaml)
    {
        Assert.False(RuleYaml.TryToJson(yaml, out _, out var error), "accepted: " + yaml);
        return error;
    }

    [Fact]
    public void TheShippedYamlExample_IsTheSameDocumentAndRuleAsTheJsonOne()
    {
        var yaml = ToJson(File.ReadAllText(Path.Combine(ExamplesDirectory(), "disk-full.yaml")));
        var json = File.ReadAllText(Path.Combine(ExamplesDirectory(), "disk-full.json"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(yaml)), yaml);

        var fromYaml = RuleParserTests.Parse(yaml);
        var fromJson = RuleParserTests.Parse(json);
        Assert.Equal((fromJson.Name, fromJson.Alias, fromJson.Path!.Text, fromJson.When, fromJson.ClearWhen),
            (fromYaml.Name, fromYaml.Alias, fromYaml.Path!.Text, fromYaml.When, fromYaml.ClearWhen));
        Assert.Equal(fromJson.Actions[0].Alert, fromYaml.Actions[0].Alert);
        Assert.Equal(fromJson.Actions[1].Webhook, fromYaml.Actions[1].Webhook);
    }

    [Fact]
    public void ABadFieldInYaml_GetsTheSameMessageAsInJson()
    {
        var yaml = ToJson("name: x\nalias: temp\nop: =>\nvalue: 1\nactions: [{alert: {}}]\n");
        Assert.False(RuleParser.TryParse(JsonDocument.Parse(yaml).RootElement, RuleParserTests.Aliases, out _, out var fromYaml));
        Assert.False(RuleParser.TryParse(JsonDocument.Parse("""{"name": "x", "alias": "temp", "op": "=>", "value": 1, "actions": [{"alert": {}}]}""").RootElement,
            RuleParserTests.Aliases, out _, out var fromJson));
        Assert.Equal(fromJson, fromYaml);
        Assert.StartsWith("op: must be one of", fromYaml, StringComparison.Ordinal);
    }

    [Fact]
    public void PlainScalars_AreTypedLikeJson_AndEverythingElseStaysText()
    {
        var node = JsonNode.Parse(ToJson("""
            a: 90
            b: -1.5e3
            c: "90"
            d: on
            e: yes
            f: ~
            g: null
            h: true
            i: False
            j: .inf
            k: 0x1f
            l: 1_000
            m: !!str 42
            n: ''
            o:
            p: 'it''s'
            q: |
              two
              lines
            """))!;
        Assert.Equal(90, node["a"]!.GetValue<int>());
        Assert.Equal(-1500d, node["b"]!.GetValue<double>());
        Assert.Equal(["90", "on", "yes", ".inf", "0x1f", "1_000", "42", "", "it's", "two\nlines"],
            new[] { "c", "d", "e", "j", "k", "l", "m", "n", "p", "q" }.Select(k => node[k]!.GetValue<string>()));
        Assert.Null(node["f"]);
        Assert.Null(node["g"]);
        Assert.Null(node["o"]);
        Assert.True(node.AsObject().ContainsKey("o"));
        Assert.True(node["h"]!.GetValue<bool>());
        Assert.False(node["i"]!.GetValue<bool>());
    }

    [Fact]
    public void JsonIsYamlToo()
    {
        const string Json = """{"name": "hot", "alias": "temp", "op": ">", "value": 30, "window": null, "actions": [{"alert": {"severity": "critical"}}]}""";
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Json), JsonNode.Parse(ToJson(Json))));
    }

    [Theory]
    [InlineData("name: x\nop: [>\nvalue: 1\n", "line 2, column 5: ")]
    [InlineData("name: x\n  alias: temp\n", "line 2, column 8: ")]
    [InlineData("name: \"x\nop: >\n", "line 1, column 7: ")]
    [InlineData("actions:\n- a\n b: 1\n", "line 3, column 3: ")]
    public void ASyntaxError_NamesItsLineAndColumn(string yaml, string position)
    {
        var error = Refusal(yaml);
        Assert.StartsWith(position, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Idx", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void AnchorsAndAliases_AreRefused_SoASmallFileCannotExpand()
    {
        // "Billion laughs": nine levels of aliases would make a 1 KB file a multi-gigabyte JSON document.
        var laughs = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
            + string.Concat(Enumerable.Range(1, 8).Select(i => $"{(char)('a' + i)}: &{(char)('a' + i)} [{string.Join(",", Enumerable.Repeat("*" + (char)('a' + i - 1), 9))}]\n"));
        Assert.Equal("line 1, column 4: YAML anchors (&a) are not supported in a rule: write the value out", Refusal(laughs));
        Assert.StartsWith("line 1, column 7: YAML anchors (&sev)", Refusal("name: &sev x\nalias: temp\n"), StringComparison.Ordinal);
        Assert.StartsWith("line 1, column 1: YAML anchors (&k)", Refusal("&k name: x\n"), StringComparison.Ordinal);
        // An alias alone (its anchor never defined) is a YAML error; either way it is refused with its position.
        Assert.StartsWith("line 1, column ", Refusal("name: *nowhere\n"), StringComparison.Ordinal);
        Assert.StartsWith("line 2, column 5: YAML anchors", Refusal("base: x\n<<: &m {op: '>'}\n"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: !!python/object/apply:os.system [\"rm -rf /\"]\n", "line 1, column 7: YAML tag tag:yaml.org,2002:python/object/apply:os.system is not supported in a rule")]
    [InlineData("name: !env HOME\n", "line 1, column 7: YAML tag !env is not supported in a rule")]
    [InlineData("secret: !!binary aGVsbG8=\n", "line 1, column 9: YAML tag tag:yaml.org,2002:binary is not supported in a rule")]
    [InlineData("!!set {a, b}\n", "line 1, column 1: YAML tag tag:yaml.org,2002:set is not supported in a rule")]
    [InlineData("? !<tag:example.com,2000:app/x> k\n: v\n", "line 1, column 3: YAML tag tag:example.com,2000:app/x is not supported in a rule")]
    public void TagsOtherThanTheStandardOnes_AreRefused(string yaml, string error) => Assert.Equal(error, Refusal(yaml));

    [Theory]
    [InlineData("name: a\nname: b\n", "line 2, column 1: duplicate key 'name'")]
    [InlineData("[a, b]: 1\n", "line 1, column 1: a key must be a name, not a list or a mapping")]
    [InlineData("name: a\n---\nname: b\n", "line 2, column 1: one rule per file: a second YAML document is not read")]
    [InlineData("", "the document is empty")]
    [InlineData("# only a comment\n", "the document is empty")]
    public void WhatJsonCannotSay_IsRefused(string yaml, string error) => Assert.Equal(error, Refusal(yaml));

    [Fact]
    public void DeepNesting_IsRefused()
    {
        var error = Refusal(new string('[', 100) + new string(']', 100));
        Assert.Equal("line 1, column 34: nested deeper than 32 levels", error);
    }
}
