using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Management;

/// <summary>
/// What a create call answers is what every later read of the same thing answers, byte for byte: a script that keeps
/// the answer and compares it with a later <c>--json</c> read must not see a change where there was none.
/// </summary>
public sealed class AnswerStabilityTests : IAsyncLifetime
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
    public async Task ContentUpload_AnswersTheInfoThatReadsShow()
    {
        using var upload = await _cloud.Admin.PutAsync($"api/v1/products/{_pid}/content/app.v1.tar.gz", new ByteArrayContent(Encoding.UTF8.GetBytes("bytes")));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);

        Assert.Equal(await upload.Content.ReadAsStringAsync(), await _cloud.Admin.GetStringAsync($"api/v1/products/{_pid}/content/app.v1.tar.gz"));
    }

    [Fact]
    public async Task RuleCreate_AnswersTheTimesThatReadsShow()
    {
        using var created = await _cloud.Admin.PostAsync($"api/v1/products/{_pid}/rules", new StringContent(
            """{"name": "hot", "alias": "device_info", "op": "contains", "value": "hot", "actions": [{"alert": {}}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var answer = await created.Content.ReadFromJsonAsync<JsonElement>();

        var read = await _cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/rules/{answer.GetProperty("id").GetString()}");

        Assert.Equal(answer.GetProperty("created").GetString(), read.GetProperty("created").GetString());
        Assert.Equal(answer.GetProperty("updated").GetString(), read.GetProperty("updated").GetString());
    }
}
