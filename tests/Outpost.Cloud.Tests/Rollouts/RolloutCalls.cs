using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Outpost.Cloud.Tests.Rollouts;

/// <summary>The rollouts API as the tests call it, against any node (in-process or a child process) through its admin client.</summary>
internal static class RolloutCalls
{
    public static async Task UploadAsync(HttpClient admin, string pid, string artifact, byte[] bytes)
    {
        using var content = new ByteArrayContent(bytes);
        using var response = await admin.PutAsync($"api/v1/products/{pid}/content/{artifact}", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static async Task<JsonElement> CreateAsync(HttpClient admin, string pid, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        using var response = await admin.PostAsJsonAsync($"api/v1/products/{pid}/rollouts", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<JsonElement> WaitForStatusAsync(HttpClient admin, string pid, string id, params string[] statuses) =>
        WaitForStatusAsync(admin, pid, id, TimeSpan.FromSeconds(60), statuses);

    /// <summary>Reads the rollout (with its devices) until its status is one of <paramref name="statuses"/>.</summary>
    public static Task<JsonElement> WaitForStatusAsync(HttpClient admin, string pid, string id, TimeSpan patience, params string[] statuses) =>
        WaitForAsync(admin, pid, id, patience, $"status {string.Join("/", statuses)}", r => statuses.Contains(r.GetProperty("status").GetString()));

    /// <summary>Reads the rollout (with its devices) until <paramref name="done"/> holds.</summary>
    public static async Task<JsonElement> WaitForAsync(HttpClient admin, string pid, string id, TimeSpan patience, string what, Func<JsonElement, bool> done)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(patience.TotalSeconds * TimeProvider.System.TimestampFrequency);
        JsonElement rollout = default;
        while (TimeProvider.System.GetTimestamp() < deadline)
        {
            rollout = await admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/rollouts/{id}?devices=true");
            if (done(rollout))
            {
                return rollout;
            }

            // The ticker moves rollouts once a second: wait on the event stream's long poll instead of a fixed sleep.
            using var _ = await admin.GetAsync($"api/v1/products/{pid}/events?after={long.MaxValue - 1}&wait=1");
        }

        throw new TimeoutException($"rollout never reached {what}: {rollout.GetProperty("status")} {rollout.GetProperty("states")}");
    }

    /// <summary>How many devices of wave <paramref name="wave"/> (1-based) are in <paramref name="state"/>.</summary>
    public static int Count(JsonElement rollout, int wave, string state) =>
        rollout.GetProperty("per_wave")[wave - 1].GetProperty("states").TryGetProperty(state, out var n) ? n.GetInt32() : 0;

    /// <summary>Waits until every one of <paramref name="serials"/> is activated (a rollout targets only those).</summary>
    public static async Task WaitForActivatedAsync(HttpClient admin, string pid, params string[] serials)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (60 * TimeProvider.System.TimestampFrequency);
        foreach (var serial in serials)
        {
            while ((await admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/devices/{serial}")).GetProperty("status").GetString() != "activated")
            {
                Assert.True(TimeProvider.System.GetTimestamp() < deadline, $"{serial} never activated");
                await Task.Delay(100);
            }
        }
    }
}
