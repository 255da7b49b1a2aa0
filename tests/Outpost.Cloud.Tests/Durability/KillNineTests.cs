using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Outpost.Cloud.Tests.DeviceApi;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Durability;

public sealed class KillNineTests
{
    private const int Writers = 8;

    [Fact]
    public async Task EveryAcknowledgedWrite_SurvivesKillNineOfTheServer()
    {
        using var data = new TempDirectory("outpost-kill9");
        var token = "opt_kill9_" + Guid.NewGuid().ToString("N");
        var acknowledged = new ConcurrentBag<(string Serial, string Value)>();
        string pid;
        var ciks = new string[Writers];

        await using (var server = await CloudProcess.StartAsync(data.Path, token))
        {
            using var admin = new HttpClient { BaseAddress = server.BaseAddress };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            pid = "k" + Guid.NewGuid().ToString("N")[..15];
            (await admin.PostAsJsonAsync("api/v1/products", new { name = "kill9", id = pid, template = "gateway",
                write_limit = new { per_second = 100000, burst = 100000 } })).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync($"api/v1/products/{pid}/devices", new { serials = Enumerable.Range(0, Writers).Select(i => $"gw-{i}") })).EnsureSuccessStatusCode();
            for (var i = 0; i < Writers; i++)
            {
                using var activation = await admin.PostAsync("provision/activate",
                    new StringContent($"vendor={pid}&model={pid}&sn=gw-{i}", Encoding.UTF8, "application/x-www-form-urlencoded"));
                ciks[i] = await activation.Content.ReadAsStringAsync();
            }

            var enoughAcks = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writers = Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
            {
                using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
                for (var n = 0; ; n++)
                {
                    var value = $"w{i}-{n}";
                    try
                    {
                        using var response = await client.SendAsync(DeviceHttp.Write(ciks[i], "device_info=" + value));
                        if (response.StatusCode != HttpStatusCode.NoContent)
                        {
                            return;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // The server is gone: this write was never acknowledged.
                    }
                    catch (TaskCanceledException)
                    {
                        return;
                    }

                    acknowledged.Add(($"gw-{i}", value));
                    if (acknowledged.Count >= 1500)
                    {
                        enoughAcks.TrySetResult();
                    }
                }
            })).ToArray();

            await enoughAcks.Task.WaitAsync(TimeSpan.FromSeconds(120));
            await server.KillAsync();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        }

        await using var restarted = await CloudProcess.StartAsync(data.Path, token);
        using var reader = new HttpClient { BaseAddress = restarted.BaseAddress };
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var missing = new List<string>();
        foreach (var group in acknowledged.GroupBy(a => a.Serial))
        {
            var history = await reader.GetFromJsonAsync<List<HistoryPoint>>($"api/v1/products/{pid}/devices/{group.Key}/values/device_info/history?limit=1000000");
            var stored = history!.Select(h => h.Value).ToHashSet(StringComparer.Ordinal);
            missing.AddRange(group.Where(a => !stored.Contains(a.Value)).Select(a => $"{a.Serial}:{a.Value}"));
        }

        Assert.True(acknowledged.Count >= 1500);
        Assert.Empty(missing);
    }

    private sealed record HistoryPoint(long Ts, string Value);
}
