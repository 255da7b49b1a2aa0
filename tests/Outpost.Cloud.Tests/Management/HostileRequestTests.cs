using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Management;

/// <summary>
/// Every operation of the management API, as its own OpenAPI document lists them, against hostile requests: no token,
/// unknown and malformed ids in the path, malformed and wrongly typed bodies, a body over the limit. Each must answer
/// a 4xx with a problem-details message — never a 5xx — and none may change anything.
/// </summary>
public sealed class HostileRequestTests : IAsyncLifetime
{
    /// <summary>Path parameters no resource has: unknown, malformed, encoded traversal, NUL, overlong, non-ASCII.</summary>
    private static readonly string[] HostileIds =
    [
        "zz0unknown0zz",
        "%00",
        "..%2F..%2Fetc",
        "%E2%98%83",
        "%FF%FE",
        new string('a', 300),
        "a%20b",
    ];

    /// <summary>Bodies no operation accepts: truncated JSON, wrong JSON types, wrong field types, not UTF-8.</summary>
    private static readonly (string Name, byte[] Bytes)[] HostileBodies =
    [
        ("truncated JSON", "{\"name\":"u8.ToArray()),
        ("JSON array", "[]"u8.ToArray()),
        ("JSON string", "\"x\""u8.ToArray()),
        ("JSON null", "null"u8.ToArray()),
        ("numbers for strings", "{\"name\":5,\"id\":7,\"serial\":8,\"serials\":9,\"role\":1,\"template\":2,\"tags\":3,\"version\":4}"u8.ToArray()),
        ("not UTF-8", [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]),
        ("a misspelt field only", "{\"nmae\":\"x\"}"u8.ToArray()),
        ("empty", []),
    ];

    private TestCloud _cloud = null!;
    private string _pid = null!;

    public async Task InitializeAsync()
    {
        _cloud = await TestCloud.StartAsync();
        _pid = await _cloud.CreateProductAsync();
        await _cloud.ProvisionAsync(_pid, "gw-1");
        (await _cloud.Admin.PutAsync($"api/v1/products/{_pid}/content/app.v1.tar.gz", new ByteArrayContent([1, 2, 3]))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _cloud.DisposeAsync();

    [Fact]
    public async Task EveryOperation_WithoutAToken_Is401()
    {
        using var anonymous = new HttpClient { BaseAddress = _cloud.BaseAddress };
        var failures = new List<string>();
        foreach (var (method, template, _) in await OperationsAsync())
        {
            if (template == "/api/v1/health")
            {
                continue;
            }

            using var request = new HttpRequestMessage(new HttpMethod(method), Fill(template, _pid, "gw-1"));
            using var response = await anonymous.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{method} {template}: {(int)response.StatusCode}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task EveryOperation_WithHostileIds_Is4xxWithAMessage_AndChangesNothing()
    {
        var before = await SnapshotAsync();
        var failures = new List<string>();
        foreach (var (method, template, hasBody) in await OperationsAsync())
        {
            if (!template.Contains('{', StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var id in HostileIds)
            {
                // Every parameter hostile at once, then each alone beside real ones (an unknown device of a real product).
                foreach (var path in new[] { Fill(template, id, id, id), Fill(template, _pid, id, id), Fill(template, _pid, "gw-1", id) }.Distinct())
                {
                    // PUT of a new content id in a real product is an upload, not a hostile request.
                    var upload = method == "PUT" && path.StartsWith($"api/v1/products/{_pid}/", StringComparison.Ordinal);
                    if (upload || !path.Contains(id, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    using var request = new HttpRequestMessage(new HttpMethod(method), path);
                    if (hasBody || method is "PUT")
                    {
                        request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                    }

                    await ExpectRefusedAsync(request, $"{method} {path}", failures);
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task EveryOperationWithABody_RefusesHostileBodies_With4xx_AndChangesNothing()
    {
        var before = await SnapshotAsync();
        var failures = new List<string>();
        foreach (var (method, template, hasBody) in await OperationsAsync())
        {
            if (!hasBody)
            {
                continue;
            }

            foreach (var (name, bytes) in HostileBodies)
            {
                // A clone's or a rollout action's body is optional: nothing (or JSON null) there is a request without one.
                if (name is "empty" or "JSON null" && await BodyIsOptionalAsync(method, template))
                {
                    continue;
                }

                using var request = new HttpRequestMessage(new HttpMethod(method), Fill(template, _pid, "gw-1", "zz0unknown0zz"));
                request.Content = new ByteArrayContent(bytes);
                request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
                await ExpectRefusedAsync(request, $"{method} {template} ({name})", failures);
            }

            using var wrongType = new HttpRequestMessage(new HttpMethod(method), Fill(template, _pid, "gw-1", "zz0unknown0zz"))
            {
                Content = new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded"),
            };
            await ExpectRefusedAsync(wrongType, $"{method} {template} (form body)", failures);
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task BodiesOverTheLimit_Are413_AndChangeNothing()
    {
        var before = await SnapshotAsync();
        var huge = new byte[17 * 1024 * 1024];
        Array.Fill(huge, (byte)' ');
        huge[0] = (byte)'{';
        huge[^1] = (byte)'}';
        var failures = new List<string>();
        foreach (var path in new[] { "api/v1/products", $"api/v1/products/{_pid}/devices", $"api/v1/products/{_pid}/devices/gw-1/values", "api/v1/tokens" })
        {
            // Expect: 100-continue, as careful clients send large bodies: the server answers before the body is sent (a
            // client that sends it anyway gets the same 413, then the connection closed under its unsent bytes).
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(huge) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.ExpectContinue = true;
            using var response = await _cloud.Admin.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.RequestEntityTooLarge || !body.Contains("\"detail\":\"request body is over 16777216 bytes\"", StringComparison.Ordinal))
            {
                failures.Add($"POST {path}: {(int)response.StatusCode} {Shorten(body)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task ContentUploads_AreRawBytes_NotCheckedAsText_WhateverTheirType()
    {
        // A Latin-1 .json file and one over the 16 MiB limit of JSON calls are content like any other.
        var latin1 = new ByteArrayContent([0x7B, 0x22, 0xE9, 0x22, 0x7D]);
        latin1.Headers.ContentType = new("application/json");
        using (var response = await _cloud.Admin.PutAsync($"api/v1/products/{_pid}/content/latin1.json", latin1))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var big = new ByteArrayContent(new byte[17 * 1024 * 1024]);
        big.Headers.ContentType = new("application/json");
        using (var response = await _cloud.Admin.PutAsync($"api/v1/products/{_pid}/content/big.json", big))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        Assert.Equal([0x7B, 0x22, 0xE9, 0x22, 0x7D], await _cloud.Admin.GetByteArrayAsync($"api/v1/products/{_pid}/content/latin1.json/download"));
    }

    [Theory]
    [InlineData("PATCH", "products/{pid}", "application/json", "{\"nmae\":\"x\"}", 400, "bad request: the body is not the JSON this call takes: unknown field $.nmae")]
    [InlineData("PATCH", "products/{pid}", "application/json", "{\"write_limit\":{\"per_second\":\"x\"}}", 400,
        "bad request: the body is not the JSON this call takes: wrong type at $.write_limit.per_second")]
    [InlineData("PATCH", "products/{pid}", "application/json", "{\"name\":", 400, "bad request: the body is not the JSON this call takes: malformed at $.name")]
    [InlineData("GET", "rollouts/ro_nosuch?devices=yes", null, null, 400, "bad request: 'yes' is not a valid devices")]
    [InlineData("POST", "products", "text/plain", "name=x", 415, "unsupported content type: send application/json")]
    public async Task ABodyOrQueryThatDoesNotBind_SaysWhereInTheCallersTerms(string method, string path, string? contentType, string? body, int status, string detail)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "api/v1/" + path.Replace("{pid}", _pid, StringComparison.Ordinal));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType!);
        }

        using var response = await _cloud.Admin.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(detail, problem.RootElement.GetProperty("detail").GetString());
    }

    private static string Fill(string template, string pid, string serial, string other = "zz0unknown0zz") =>
        template.TrimStart('/')
            .Replace("{pid}", pid, StringComparison.Ordinal)
            .Replace("{serial}", serial, StringComparison.Ordinal)
            .Replace("{alias}", other, StringComparison.Ordinal)
            .Replace("{id}", other, StringComparison.Ordinal)
            .Replace("{action}", other, StringComparison.Ordinal);

    private async Task ExpectRefusedAsync(HttpRequestMessage request, string what, List<string> failures)
    {
        using var response = await _cloud.Admin.SendAsync(request);
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        if (status is < 400 or >= 500)
        {
            failures.Add($"{what}: {status} {Shorten(body)}");
            return;
        }

        // Kestrel itself refuses a NUL in the request target, before any of the application runs: a bare 400.
        if (status == 400 && body.Length == 0 && request.RequestUri!.OriginalString.Contains("%00", StringComparison.Ordinal))
        {
            return;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || !HasMessage(body))
        {
            failures.Add($"{what}: {status} without a problem-details message ({response.Content.Headers.ContentType?.MediaType}: {Shorten(body)})");
        }
    }

    private static bool HasMessage(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 }
                || json.RootElement.TryGetProperty("title", out var title) && title.GetString() is { Length: > 0 };
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private async Task<bool> BodyIsOptionalAsync(string method, string template)
    {
        using var document = JsonDocument.Parse(await _cloud.Admin.GetStringAsync("api/v1/openapi.json"));
        var body = document.RootElement.GetProperty("paths").GetProperty(template).GetProperty(method.ToLowerInvariant()).GetProperty("requestBody");
        return !body.TryGetProperty("required", out var required) || !required.GetBoolean();
    }

    /// <summary>The management API's operations as its served OpenAPI document lists them.</summary>
    private async Task<List<(string Method, string Template, bool HasBody)>> OperationsAsync()
    {
        using var document = JsonDocument.Parse(await _cloud.Admin.GetStringAsync("api/v1/openapi.json"));
        var operations = new List<(string, string, bool)>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (operation.Name is "get" or "post" or "put" or "patch" or "delete")
                {
                    operations.Add((operation.Name.ToUpperInvariant(), path.Name, operation.Value.TryGetProperty("requestBody", out _)));
                }
            }
        }

        Assert.True(operations.Count > 40, $"the OpenAPI document lists only {operations.Count} operations");
        return operations;
    }

    /// <summary>Everything the management API can show, as one string: products, their aliases, devices and each device's
    /// latest values (a refused write must not land), content, rules, rollouts; tokens.</summary>
    private async Task<string> SnapshotAsync()
    {
        var state = new StringBuilder();
        var products = await _cloud.Admin.GetFromJsonAsync<JsonElement>("api/v1/products");
        state.AppendLine(products.GetRawText());
        foreach (var product in products.EnumerateArray())
        {
            var pid = product.GetProperty("id").GetString();
            foreach (var part in new[] { "aliases", "devices", "content", "rules", "rollouts" })
            {
                var listed = await _cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/{part}");
                state.AppendLine(part + ": " + WithoutLastSeen(listed));
                if (part == "devices")
                {
                    foreach (var device in listed.EnumerateArray())
                    {
                        var serial = Uri.EscapeDataString(device.GetProperty("serial").GetString()!);
                        state.AppendLine($"values of {serial}: " + (await _cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/devices/{serial}/values")).GetRawText());
                    }
                }
            }
        }

        state.AppendLine(WithoutLastSeen(await _cloud.Admin.GetFromJsonAsync<JsonElement>("api/v1/tokens")));
        return state.ToString();
    }

    /// <summary>A device's last-seen time moves with traffic, not with changes; everything else must not move.</summary>
    private static string WithoutLastSeen(JsonElement element) =>
        System.Text.RegularExpressions.Regex.Replace(element.GetRawText(), "\"(lastSeen|last_seen|lastUsed)[A-Za-z]*\":(\"[^\"]*\"|null|[0-9]+)", "");
}
