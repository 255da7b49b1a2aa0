using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Management;

public sealed class AuthTests : IAsyncLifetime
{
    private TestCloud _cloud = null!;

    public async Task InitializeAsync() => _cloud = await TestCloud.StartAsync();

    public async Task DisposeAsync() => await _cloud.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer nope")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    public async Task Requests_WithoutAValidToken_Are401(string? authorization)
    {
        using var client = new HttpClient { BaseAddress = _cloud.BaseAddress };
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.GetAsync("api/v1/products");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Roles_ViewerReads_OperatorWrites_OnlyAdminDeletesProductsAndManagesTokens()
    {
        var pid = await _cloud.CreateProductAsync();
        using var viewer = await ClientWithRoleAsync("viewer");
        using var operatorClient = await ClientWithRoleAsync("operator");

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"api/v1/products/{pid}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync($"api/v1/products/{pid}/devices", new { serial = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await operatorClient.PostAsJsonAsync($"api/v1/products/{pid}/devices", new { serial = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.DeleteAsync($"api/v1/products/{pid}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.GetAsync("api/v1/tokens")).StatusCode);
    }

    [Fact]
    public async Task RevokedToken_StopsWorkingAtOnce()
    {
        var created = await (await _cloud.Admin.PostAsJsonAsync("api/v1/tokens", new { name = "ci", role = "operator" })).Content.ReadFromJsonAsync<JsonElement>();
        using var client = new HttpClient { BaseAddress = _cloud.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/v1/products")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _cloud.Admin.DeleteAsync($"api/v1/tokens/{created.GetProperty("id").GetString()}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("api/v1/products")).StatusCode);
    }

    [Fact]
    public async Task TheLastAdminToken_CannotBeRevoked_OnceThereIsAnotherItCan()
    {
        var tokens = await _cloud.Admin.GetFromJsonAsync<JsonElement>("api/v1/tokens");
        var first = tokens.EnumerateArray().Single(t => t.GetProperty("role").GetString() == "admin").GetProperty("id").GetString();

        using (var refused = await _cloud.Admin.DeleteAsync($"api/v1/tokens/{first}"))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.StartsWith($"{first} is the last admin token: create another admin token first",
                (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await _cloud.Admin.GetAsync("api/v1/tokens")).StatusCode);
        var second = await (await _cloud.Admin.PostAsJsonAsync("api/v1/tokens", new { name = "second admin", role = "admin" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.NoContent, (await _cloud.Admin.DeleteAsync($"api/v1/tokens/{first}")).StatusCode);
        using var client = new HttpClient { BaseAddress = _cloud.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", second.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await client.DeleteAsync($"api/v1/tokens/{second.GetProperty("id").GetString()}")).StatusCode);
    }

    [Fact]
    public async Task RevokingEveryAdminTokenAtOnce_LeavesExactlyOneActiveAdmin()
    {
        // Each admin token revokes itself, all at the same moment: a request is authenticated before its own revoke
        // runs, so every request reaches the last-admin check and only that check can keep one admin standing. A few
        // rounds, each starting from the previous round's survivor, so an unlucky interleaving has several chances.
        var survivor = _cloud.Admin;
        var survivorId = (await _cloud.Admin.GetFromJsonAsync<JsonElement>("api/v1/tokens")).EnumerateArray()
            .Single(t => t.GetProperty("role").GetString() == "admin").GetProperty("id").GetString()!;
        var clients = new List<HttpClient>();
        try
        {
            for (var round = 0; round < 5; round++)
            {
                var admins = new List<(HttpClient Client, string Id)> { (survivor, survivorId) };
                for (var i = 0; i < 7; i++)
                {
                    var created = await (await survivor.PostAsJsonAsync("api/v1/tokens", new { name = $"admin {round}.{i}", role = "admin" })).Content.ReadFromJsonAsync<JsonElement>();
                    var client = new HttpClient { BaseAddress = _cloud.BaseAddress };
                    clients.Add(client);
                    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.GetProperty("token").GetString());
                    Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/v1/tokens")).StatusCode);
                    admins.Add((client, created.GetProperty("id").GetString()!));
                }

                var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var revokes = admins.Select(async a =>
                {
                    await go.Task;
                    using var response = await a.Client.DeleteAsync($"api/v1/tokens/{a.Id}");
                    return response.StatusCode;
                }).ToList();
                go.SetResult();
                var statuses = await Task.WhenAll(revokes);

                Assert.Equal(admins.Count - 1, statuses.Count(s => s == HttpStatusCode.NoContent));
                Assert.Equal(HttpStatusCode.Conflict, Assert.Single(statuses, s => s != HttpStatusCode.NoContent));
                (survivor, survivorId) = admins[Array.IndexOf(statuses, HttpStatusCode.Conflict)];
                var active = (await survivor.GetFromJsonAsync<JsonElement>("api/v1/tokens")).EnumerateArray()
                    .Where(t => t.GetProperty("role").GetString() == "admin" && (!t.TryGetProperty("revoked", out var revoked) || revoked.ValueKind == JsonValueKind.Null))
                    .Select(t => t.GetProperty("id").GetString())
                    .ToList();
                Assert.Equal([survivorId], active);
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Theory]
    [InlineData("""{"name":"x","role":"root"}""")]
    [InlineData("""{"name":"x","role":"2"}""")]
    [InlineData("""{"role":"viewer"}""")]
    public async Task CreateToken_BadInput_Is400(string body)
    {
        using var response = await _cloud.Admin.PostAsync("api/v1/tokens", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ANewDataDirectory_AndItsDatabaseFiles_AreOwnerOnly()
    {
        using var parent = new TempDirectory("outpost-cloud");
        var data = Path.Join(parent.Path, "data");
        await using (var cloud = await TestCloud.StartAsync(data))
        {
            await cloud.CreateProductAsync();
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
            var files = Directory.GetFiles(data, "outpost.db*");
            Assert.Contains(Path.Join(data, "outpost.db-wal"), files);
            Assert.All(files, file => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file)));
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ADatabaseReadableByOthers_IsMadeOwnerOnlyAtStart()
    {
        using var parent = new TempDirectory("outpost-cloud");
        var data = Path.Join(parent.Path, "data");
        await using (var first = await TestCloud.StartAsync(data))
        {
            await first.CreateProductAsync();
        }

        // As an older outpost left them.
        const UnixFileMode world = UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | world | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(Path.Join(data, "outpost.db"), UnixFileMode.UserRead | UnixFileMode.UserWrite | world);

        await using (await TestCloud.StartAsync(data))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Join(data, "outpost.db")));
            Assert.NotEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        }
    }

    [Fact]
    public async Task SecretsAtRest_AreOnlyHashes()
    {
        var pid = await _cloud.CreateProductAsync();
        var cik = await _cloud.ProvisionAsync(pid, "gw-1");
        var created = await (await _cloud.Admin.PostAsJsonAsync("api/v1/tokens", new { name = "ci", role = "viewer" })).Content.ReadFromJsonAsync<JsonElement>();
        var secret = created.GetProperty("token").GetString()!;

        using var connection = new SqliteConnection($"Data Source={Path.Combine(_cloud.DataDirectory, "outpost.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        foreach (var (table, column) in new[] { ("devices", "cik_hash"), ("tokens", "token_hash") })
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {column} FROM {table}";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var stored = reader.IsDBNull(0) ? "" : reader.GetString(0);
                Assert.DoesNotContain(cik, stored, StringComparison.Ordinal);
                Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
                Assert.DoesNotContain(_cloud.AdminToken, stored, StringComparison.Ordinal);
            }
        }

        var bytes = await File.ReadAllBytesAsync(Path.Combine(_cloud.DataDirectory, "outpost.db"));
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        Assert.DoesNotContain(cik, text, StringComparison.Ordinal);
    }

    private async Task<HttpClient> ClientWithRoleAsync(string role)
    {
        var created = await (await _cloud.Admin.PostAsJsonAsync("api/v1/tokens", new { name = role, role })).Content.ReadFromJsonAsync<JsonElement>();
        var client = new HttpClient { BaseAddress = _cloud.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.GetProperty("token").GetString());
        return client;
    }
}
