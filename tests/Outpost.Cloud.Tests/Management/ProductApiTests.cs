using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Management;

public sealed class ProductApiTests : IAsyncLifetime
{
    private TestCloud _cloud = null!;

    public async Task InitializeAsync() => _cloud = await TestCloud.StartAsync();

    public async Task DisposeAsync() => await _cloud.DisposeAsync();

    [Fact]
    public async Task Create_WithGatewayTemplate_HasTheSixSeedAliases()
    {
        using var response = await _cloud.Admin.PostAsJsonAsync("api/v1/products", new { name = "Fleet", template = "gateway" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Matches("^[a-z0-9]{12}$", doc.RootElement.GetProperty("id").GetString());
        var resources = doc.RootElement.GetProperty("resources").EnumerateArray()
            .ToDictionary(r => r.GetProperty("alias").GetString()!, r => r.GetProperty("settable").GetBoolean());
        Assert.Equal(
            new Dictionary<string, bool>
            {
                ["device_info"] = false, ["engine_fetch"] = true, ["engine_report"] = false,
                ["fetch_status"] = false, ["update_interval"] = true, ["usage_report"] = false,
            },
            resources);
    }

    [Theory]
    [InlineData("""{"name":"x","id":"UPPER1"}""", 400)]
    [InlineData("""{"name":"x","id":"short"}""", 400)]
    [InlineData("""{"name":"x","template":"nosuch"}""", 400)]
    [InlineData("""{"name":"x","provisioning":"sometimes"}""", 400)]
    [InlineData("""{"name":""}""", 400)]
    [InlineData("""{"name":"line one\nline two"}""", 400)]
    [InlineData("""{"name":"a\u0000b"}""", 400)]
    [InlineData("""{"name":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""", 400)]
    [InlineData("""{"name":"x","write_limit":{"per_second":0,"burst":1}}""", 400)]
    [InlineData("""{not json""", 400)]
    [InlineData("""[1,2]""", 400)]
    public async Task Create_BadInput_Is4xxWithProblemDetails(string body, int status)
    {
        using var response = await _cloud.Admin.PostAsync("api/v1/products", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        using var list = await _cloud.Admin.GetAsync("api/v1/products");
        Assert.Equal("[]", await list.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Names_AreOneLineOfAtMost100Characters_InAnyScript_OnCreatePatchAndClone()
    {
        using var created = await _cloud.Admin.PostAsJsonAsync("api/v1/products", new { name = "Bob's Gateways — Zürich 北", id = "named001" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var before = await _cloud.Admin.GetStringAsync("api/v1/products");

        foreach (var bad in new[] { "two\nlines", "tab\there", new string('x', 101) })
        {
            using var patch = await _cloud.Admin.PatchAsJsonAsync("api/v1/products/named001", new { name = bad });
            using var clone = await _cloud.Admin.PostAsJsonAsync("api/v1/products/named001/clone", new { id = "named002", name = bad });
            using var token = await _cloud.Admin.PostAsJsonAsync("api/v1/tokens", new { name = bad, role = "viewer" });
            foreach (var response in new[] { patch, clone, token })
            {
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Contains("1-100 characters on one line", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }

        Assert.Equal(before, await _cloud.Admin.GetStringAsync("api/v1/products"));
        Assert.Equal(1, (await _cloud.Admin.GetFromJsonAsync<JsonElement>("api/v1/tokens")).GetArrayLength());
    }

    [Fact]
    public async Task Create_SameIdTwice_Is409()
    {
        var pid = await _cloud.CreateProductAsync();
        using var response = await _cloud.Admin.PostAsJsonAsync("api/v1/products", new { name = "again", id = pid });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Clone_CopiesAliasesSettingsAndContent_ButNotDevices()
    {
        var pid = await _cloud.CreateProductAsync();
        await _cloud.AddAliasAsync(pid, "temp", "number");
        await _cloud.AddDevicesAsync(pid, "gw-1");
        (await _cloud.Admin.PutAsync($"api/v1/products/{pid}/content/app.v1.tar.gz", new ByteArrayContent([1, 2, 3]))).EnsureSuccessStatusCode();

        using var response = await _cloud.Admin.PostAsJsonAsync($"api/v1/products/{pid}/clone", new { id = "staging" + pid[1..8], staging_of = pid });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var copy = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        using var shown = JsonDocument.Parse(await _cloud.Admin.GetStringAsync($"api/v1/products/{copy}"));
        Assert.Equal(pid, shown.RootElement.GetProperty("staging_of").GetString());
        Assert.Equal(7, shown.RootElement.GetProperty("resources").GetArrayLength());
        Assert.Equal(0, shown.RootElement.GetProperty("device_count").GetInt32());
        Assert.Equal([1, 2, 3], await _cloud.Admin.GetByteArrayAsync($"api/v1/products/{copy}/content/app.v1.tar.gz/download"));
    }

    [Fact]
    public async Task Delete_RemovesProductDevicesAndContent()
    {
        var pid = await _cloud.CreateProductAsync();
        var cik = await _cloud.ProvisionAsync(pid, "gw-1");
        (await _cloud.Admin.PutAsync($"api/v1/products/{pid}/content/app.v1.tar.gz", new ByteArrayContent([1]))).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.NoContent, (await _cloud.Admin.DeleteAsync($"api/v1/products/{pid}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _cloud.Admin.GetAsync($"api/v1/products/{pid}")).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(_cloud.DataDirectory, "content", pid)));
        // The device went with it: its CIK opens nothing, and a product made again under the same id starts empty.
        using (var device = new HttpClient { BaseAddress = _cloud.BaseAddress })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await device.SendAsync(DeviceApi.DeviceHttp.Read(cik, "device_info"))).StatusCode);
        }

        (await _cloud.Admin.PostAsJsonAsync("api/v1/products", new { name = "again", id = pid })).EnsureSuccessStatusCode();
        Assert.Equal("[]", await _cloud.Admin.GetStringAsync($"api/v1/products/{pid}/devices"));
        Assert.Equal(HttpStatusCode.NoContent, (await _cloud.Admin.DeleteAsync($"api/v1/products/{pid}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _cloud.Admin.DeleteAsync($"api/v1/products/{pid}")).StatusCode);
    }

    [Fact]
    public async Task Aliases_AddListRemove_RemoveRefusedWhileValuesExistUnlessPurged()
    {
        var pid = await _cloud.CreateProductAsync("empty");
        await _cloud.AddAliasAsync(pid, "temp", "number", settable: false);
        Assert.Equal(["temp"], await AliasesAsync(pid));
        Assert.Equal(HttpStatusCode.Conflict, (await _cloud.Admin.PostAsJsonAsync($"api/v1/products/{pid}/aliases", new { alias = "temp" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _cloud.Admin.PostAsJsonAsync($"api/v1/products/{pid}/aliases", new { alias = "x", format = "float" })).StatusCode);
        var cik = await _cloud.ProvisionAsync(pid, "gw-1");
        using var client = new HttpClient { BaseAddress = _cloud.BaseAddress };
        (await client.SendAsync(DeviceApi.DeviceHttp.Write(cik, "temp=1"))).EnsureSuccessStatusCode();

        using (var refused = await _cloud.Admin.DeleteAsync($"api/v1/products/{pid}/aliases/temp"))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("alias_has_values", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()); // a client words it itself
        }

        Assert.Equal(["temp"], await AliasesAsync(pid)); // the refused removal left it
        Assert.Equal(HttpStatusCode.NoContent, (await _cloud.Admin.DeleteAsync($"api/v1/products/{pid}/aliases/temp?purge=true")).StatusCode);
        Assert.Empty(await AliasesAsync(pid));
        using var write = await client.SendAsync(DeviceApi.DeviceHttp.Write(cik, "temp=2"));
        Assert.Equal(HttpStatusCode.BadRequest, write.StatusCode);
        Assert.Contains("'temp'", await write.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoveAlias_AnEnabledRuleReadsOrWrites_IsRefusedNamingTheRules_WithOrWithoutPurge()
    {
        var pid = await _cloud.CreateProductAsync("empty");
        foreach (var (alias, settable) in new[] { ("control", true), ("pending", true), ("ack", false), ("temp", false) })
        {
            await _cloud.AddAliasAsync(pid, alias, "string", settable);
        }

        await Rules.RuleHarness.CreateRuleAsync(_cloud, pid, """
            {"name": "power-command", "mode": "event", "alias": "control", "op": "matches", "value": "^power=", "actions": [{"write": {"alias": "pending", "value": "{{value}}"}}]}
            """);
        await Rules.RuleHarness.CreateRuleAsync(_cloud, pid, """
            {"name": "command-ack", "mode": "event", "alias": "ack", "op": "==", "value": {"alias": "pending"}, "actions": [{"alert": {}}]}
            """);
        await Rules.RuleHarness.CreateRuleAsync(_cloud, pid, """
            {"name": "watch-pending", "enabled": false, "alias": "pending", "op": "==", "value": "x", "actions": [{"alert": {}}]}
            """);
        await Rules.RuleHarness.CreateRuleAsync(_cloud, pid, """
            {"name": "hot", "alias": "temp", "op": ">", "value": 50, "actions": [{"alert": {}}]}
            """);

        foreach (var query in new[] { "", "?purge=true" })
        {
            using var refused = await _cloud.Admin.DeleteAsync($"api/v1/products/{pid}/aliases/pending{query}");
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("alias pending is used by rules command-ack, power-command; disable or change them first",
                (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }

        // The rule it watches counts too; a disabled rule does not.
        using (var watched = await _cloud.Admin.DeleteAsync($"api/v1/products/{pid}/aliases/temp"))
        {
            Assert.Equal(HttpStatusCode.Conflict, watched.StatusCode);
            Assert.Contains("used by rules hot;", await watched.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(["ack", "control", "pending", "temp"], (await AliasesAsync(pid)).Order(StringComparer.Ordinal));
        var rules = (await _cloud.Admin.GetFromJsonAsync<List<JsonElement>>($"api/v1/products/{pid}/rules"))!
            .ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("id").GetString()!);
        foreach (var name in new[] { "command-ack", "power-command" })
        {
            (await _cloud.Admin.PostAsync($"api/v1/rules/{rules[name]}/disable", null)).EnsureSuccessStatusCode();
        }

        Assert.Equal(HttpStatusCode.NoContent, (await _cloud.Admin.DeleteAsync($"api/v1/products/{pid}/aliases/pending")).StatusCode);

        // A disabled rule did not hold the alias; enabling it again is checked as creating it was.
        using (var enable = await _cloud.Admin.PostAsync($"api/v1/rules/{rules["command-ack"]}/enable", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, enable.StatusCode);
            Assert.Equal($"rule command-ack no longer fits product {pid}: value.alias: alias 'pending' is not defined in the product; delete it and create it again",
                (await enable.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }

        var stillDisabled = await _cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/rules/{rules["command-ack"]}");
        Assert.False(stillDisabled.GetProperty("enabled").GetBoolean());
        (await _cloud.Admin.PostAsync($"api/v1/rules/{rules["hot"]}/enable", null)).EnsureSuccessStatusCode(); // one that fits still enables
        Assert.Equal(HttpStatusCode.NoContent, (await _cloud.Admin.DeleteAsync($"api/v1/rules/{rules["hot"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _cloud.Admin.DeleteAsync($"api/v1/products/{pid}/aliases/temp")).StatusCode);
    }

    private async Task<List<string>> AliasesAsync(string pid) =>
        [.. (await _cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/aliases")).EnumerateArray().Select(a => a.GetProperty("alias").GetString()!)];
}
