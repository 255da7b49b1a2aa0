using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Cloud.Rules;
using Outpost.Cloud.Stream;
using Outpost.Cloud.Tests.DeviceApi;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Rules;

/// <summary>What the rules tests share: creating rules, device writes, and waiting for the rules engine (no sleeps).</summary>
internal static class RuleHarness
{
    public static async Task<JsonElement> CreateRuleAsync(TestCloud cloud, string pid, string json, HttpStatusCode expected = HttpStatusCode.Created, HttpClient? client = null,
        string mediaType = "application/json")
    {
        using var body = new StringContent(json, Encoding.UTF8, mediaType);
        using var response = await (client ?? cloud.Admin).PostAsync($"api/v1/products/{pid}/rules", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task DeviceWriteAsync(TestCloud cloud, string cik, string body)
    {
        using var client = new HttpClient { BaseAddress = cloud.BaseAddress };
        using var response = await client.SendAsync(DeviceHttp.Write(cik, body));
        response.EnsureSuccessStatusCode();
    }

    public static async Task<List<JsonElement>> AlertsAsync(TestCloud cloud, string pid, string? state = null) =>
        (await cloud.Admin.GetFromJsonAsync<List<JsonElement>>($"api/v1/products/{pid}/alerts" + (state is null ? "" : "?state=" + state)))!;

    /// <summary>Waits until the rules engine has committed the effects of every event appended so far.</summary>
    public static async Task CaughtUpAsync(TestCloud cloud)
    {
        var head = await cloud.Services.GetRequiredService<IEventStream>().HeadAsync(CancellationToken.None);
        var engine = cloud.Services.GetRequiredService<RuleEngine>();
        await UntilAsync(cloud, () => Task.FromResult(engine.Progress >= head), $"the rules engine never reached offset {head}");
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking after each batch the rules engine commits.</summary>
    public static async Task UntilAsync(TestCloud cloud, Func<Task<bool>> condition, string failure, TimeSpan? timeout = null)
    {
        var engine = cloud.Services.GetRequiredService<RuleEngine>();
        var started = TimeProvider.System.GetTimestamp();
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        while (true)
        {
            var next = engine.NextAppliedAsync();
            if (await condition())
            {
                return;
            }

            var left = limit - TimeProvider.System.GetElapsedTime(started);
            Assert.True(left > TimeSpan.Zero, failure);
            try
            {
                // Also wakes at intervals: webhook deliveries are recorded by the sender, not by an engine batch.
                await next.WaitAsync(left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
            }
            catch (TimeoutException)
            {
            }
        }
    }

    /// <summary>The product's latest value of <paramref name="alias"/> for <paramref name="serial"/>, or null.</summary>
    public static async Task<string?> LatestAsync(TestCloud cloud, string pid, string serial, string alias)
    {
        var latest = await cloud.Admin.GetFromJsonAsync<JsonElement>($"api/v1/products/{pid}/devices/{serial}/values?alias={alias}");
        return latest.TryGetProperty(alias, out var v) ? v.GetProperty("value").GetString() : null;
    }

    /// <summary>The repository's examples/rules folder (the shipped rule sets are tested as they are).</summary>
    public static string ExamplesDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Outpost.slnx")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("Outpost.slnx not found above the test binaries"), "examples", "rules");
    }
}
