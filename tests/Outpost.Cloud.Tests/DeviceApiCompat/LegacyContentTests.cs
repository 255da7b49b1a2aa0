using System.Net.Http.Json;
using System.Text.Json;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.DeviceApiCompat;

public sealed class LegacyContentTests : IAsyncLifetime
{
    private TestCloud _cloud = null!;
    private string _pid = null!;

    public async Task InitializeAsync()
    {
        _cloud = await TestCloud.StartAsync();
        _pid = await _cloud.CreateProductAsync();
    }

    public async Task DisposeAsync() => await _cloud.DisposeAsync();

    [Fact]
    public async Task CreateUploadInfoDownloadDelete_ThroughTheOldPaths_SharesTheContentStore()
    {
        var auth = $"X-Exosite-Token: {_cloud.AdminToken}";
        var path = $"/provision/manage/content/{_pid}/";
        Assert.Equal(205, (await EmbeddedClient.CallAsync(_cloud.BaseAddress, EmbeddedClient.Post(path, "id=test_app.v1.tar.gz&meta=first", auth))).Status);
        Assert.Equal(409, (await EmbeddedClient.CallAsync(_cloud.BaseAddress, EmbeddedClient.Post(path, "id=test_app.v1.tar.gz&meta=again", auth))).Status);

        using var upload = new HttpRequestMessage(HttpMethod.Post, path + "test_app.v1.tar.gz") { Content = new ByteArrayContent([1, 2, 3, 4]) };
        upload.Headers.Add("X-Exosite-Token", _cloud.AdminToken);
        upload.Content.Headers.ContentType = new("application/gzip");
        using var client = new HttpClient { BaseAddress = _cloud.BaseAddress };
        Assert.Equal(205, (int)(await client.SendAsync(upload)).StatusCode);

        Assert.Equal("test_app.v1.tar.gz\n", (await EmbeddedClient.CallAsync(_cloud.BaseAddress, EmbeddedClient.Get(path, auth))).Text);
        var info = (await EmbeddedClient.CallAsync(_cloud.BaseAddress, EmbeddedClient.Get(path + "test_app.v1.tar.gz", auth))).Text.Split(',');
        Assert.Equal(("application/gzip", "4", "first"), (info[0], info[1], info[3]));
        Assert.Equal([1, 2, 3, 4], (await EmbeddedClient.CallAsync(_cloud.BaseAddress, EmbeddedClient.Get(path + "test_app.v1.tar.gz?download=true", auth))).Body);

        // The same file through the management API.
        var listed = await _cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{_pid}/content");
        Assert.Equal(4, listed[0].GetProperty("size").GetInt64());

        Assert.Equal(205, (await EmbeddedClient.CallAsync(_cloud.BaseAddress, EmbeddedClient.Post(path, "id=test_app.v1.tar.gz&delete=true", auth))).Status);
        Assert.Equal(404, (await EmbeddedClient.CallAsync(_cloud.BaseAddress, EmbeddedClient.Get(path + "test_app.v1.tar.gz", auth))).Status);
    }

    [Fact]
    public async Task DeleteVerb_And_TokenInCikHeader_Work()
    {
        (await _cloud.Admin.PutAsync($"api/v1/products/{_pid}/content/a.bin", new ByteArrayContent([9]))).EnsureSuccessStatusCode();
        var response = await EmbeddedClient.CallAsync(_cloud.BaseAddress,
            $"DELETE /provision/manage/content/{_pid}/a.bin HTTP/1.1\r\nHost: x\r\nX-Exosite-CIK: {_cloud.AdminToken}\r\n\r\n");
        Assert.Equal(205, response.Status);
    }

    [Theory]
    [InlineData(null, 401)]
    [InlineData("X-Exosite-Token: wrong", 401)]
    public async Task WithoutAValidToken_Is401(string? header, int status)
    {
        var request = header is null
            ? EmbeddedClient.Get($"/provision/manage/content/{_pid}/")
            : EmbeddedClient.Get($"/provision/manage/content/{_pid}/", header);
        Assert.Equal(status, (await EmbeddedClient.CallAsync(_cloud.BaseAddress, request)).Status);
    }

    [Fact]
    public async Task UnknownProduct_Is404_BadId_Is400()
    {
        var auth = $"X-Exosite-Token: {_cloud.AdminToken}";
        Assert.Equal(404, (await EmbeddedClient.CallAsync(_cloud.BaseAddress, EmbeddedClient.Get("/provision/manage/content/nosuchproduct/", auth))).Status);
        Assert.Equal(400, (await EmbeddedClient.CallAsync(_cloud.BaseAddress, EmbeddedClient.Post($"/provision/manage/content/{_pid}/", "id=../etc", auth))).Status);
    }

    [Fact]
    public async Task MetaWithALineBreak_OrAContentTypeThatIsNotOne_IsRefused_OnBothPaths_AndStoresNothing()
    {
        var auth = $"X-Exosite-Token: {_cloud.AdminToken}";
        var path = $"/provision/manage/content/{_pid}/";
        var created = await EmbeddedClient.CallAsync(_cloud.BaseAddress, EmbeddedClient.Post(path, "id=a.bin&meta=line%0Dbreak", auth));
        Assert.Equal((400, "meta must be one line without control characters (tab, line break, …)"), (created.Status, created.Text));

        Assert.Equal(205, (await EmbeddedClient.CallAsync(_cloud.BaseAddress, EmbeddedClient.Post(path, "id=b.bin", auth))).Status);
        using var client = new HttpClient { BaseAddress = _cloud.BaseAddress };
        using var legacyUpload = new HttpRequestMessage(HttpMethod.Post, path + "b.bin") { Content = new ByteArrayContent([1]) };
        legacyUpload.Headers.Add("X-Exosite-Token", _cloud.AdminToken);
        legacyUpload.Content.Headers.TryAddWithoutValidation("Content-Type", "bogus");
        using var legacyRefused = await client.SendAsync(legacyUpload);
        Assert.Equal((400, "Content-Type 'bogus' is not a media type such as application/gzip"), ((int)legacyRefused.StatusCode, await legacyRefused.Content.ReadAsStringAsync()));

        using var put = new HttpRequestMessage(HttpMethod.Put, $"api/v1/products/{_pid}/content/c.bin?meta=tab%09inside") { Content = new ByteArrayContent([1]) };
        using var putRefused = await _cloud.Admin.SendAsync(put);
        Assert.Equal(400, (int)putRefused.StatusCode);
        using var typed = new HttpRequestMessage(HttpMethod.Put, $"api/v1/products/{_pid}/content/c.bin") { Content = new ByteArrayContent([1]) };
        typed.Content.Headers.TryAddWithoutValidation("Content-Type", "bogus");
        using var typeRefused = await _cloud.Admin.SendAsync(typed);
        Assert.Equal(400, (int)typeRefused.StatusCode);
        Assert.Equal("Content-Type 'bogus' is not a media type such as application/gzip", (await typeRefused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        var listed = await _cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{_pid}/content");
        Assert.Equal(["b.bin"], listed.EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.Equal(0, listed[0].GetProperty("size").GetInt64());
    }
}
