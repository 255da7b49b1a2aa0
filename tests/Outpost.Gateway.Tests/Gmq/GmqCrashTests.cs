using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Outpost.Testing;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary>The headline test: cloud down, 100,000 values, GMQ killed with -9 halfway, restarted, cloud up.</summary>
public sealed class GmqCrashTests
{
    private const int Devices = 4;
    private const int ChunksPerDevice = 100;
    private const int ValuesPerChunk = 250; // 4 × 100 × 250 = 100,000 values, through the record endpoint
    private const long BaseSeconds = 1_600_000_000;

    [Fact]
    public async Task KillDashNine_CloudDownThenUp_EveryAcknowledgedValueArrivesOnceInOrderWithItsTimestamp()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(170));
        using var cloudData = new TempDirectory("outpost-cloud");
        using var gmqDir = new TempDirectory("outpost-gmq");
        var token = "opt_test_" + Guid.NewGuid().ToString("N");
        var cloudPort = CloudProcess.FreePort();
        var cloudUrl = new Uri($"http://127.0.0.1:{cloudPort}/");
        string product;
        var ciks = new string[Devices];
        await using (var cloud = await CloudProcess.StartAsync(cloudData.Path, token, cloudPort, timeout.Token))
        {
            using var admin = new CloudAdmin(cloud.BaseAddress, token);
            product = await admin.CreateProductAsync("v");
            for (var d = 0; d < Devices; d++)
            {
                ciks[d] = await admin.ProvisionAsync(product, $"dev{d}");
            }

            await cloud.TerminateAsync(TimeSpan.FromSeconds(20));
        }

        // 1. The cloud is down. An app writes 100,000 values to a GMQ process; halfway, GMQ is killed with -9.
        var gmqUrl = $"http://127.0.0.1:{CloudProcess.FreePort()}";
        var gmq = await StartGmqAsync(gmqUrl, cloudUrl, gmqDir.Path, timeout.Token);
        using var http = new HttpClient { BaseAddress = new Uri(gmqUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
        var acked = new ConcurrentDictionary<(int Device, int Chunk), bool>();
        var unacked = new ConcurrentDictionary<(int Device, int Chunk), bool>();
        var ackedValues = 0;
        var halfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, Devices).Select(d => Task.Run(async () =>
        {
            for (var chunk = 0; chunk < ChunksPerDevice; chunk++)
            {
                var points = Enumerable.Range(chunk * ValuesPerChunk, ValuesPerChunk).Select(i => (BaseSeconds + i, $"d{d}:{i}&=%\n"));
                try
                {
                    using var response = await http.SendAsync(AppRequests.Record("X-Exosite-CIK", ciks[d], "v", points), timeout.Token);
                    Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
                    acked[(d, chunk)] = true;
                    if (Interlocked.Add(ref ackedValues, ValuesPerChunk) >= Devices * ChunksPerDevice * ValuesPerChunk / 2)
                    {
                        halfway.TrySetResult();
                    }
                }
                catch (HttpRequestException)
                {
                    // Cut off by the kill: maybe queued, maybe not — the app was never told. It moves on after the restart.
                    unacked[(d, chunk)] = true;
                    await restarted.Task.WaitAsync(timeout.Token);
                }
            }
        })).ToArray();

        await halfway.Task.WaitAsync(timeout.Token);
        gmq.Kill(); // SIGKILL: no flush, no dispose
        await gmq.WaitForExitAsync(timeout.Token);
        gmq.Dispose();

        // 2. Restarted on the same queue file; the writers carry on.
        gmq = await StartGmqAsync(gmqUrl, cloudUrl, gmqDir.Path, timeout.Token);
        try
        {
            restarted.TrySetResult();
            await Task.WhenAll(writers).WaitAsync(timeout.Token);

            // 3. The cloud comes back on the same port and data; GMQ drains into it.
            await using var cloud = await CloudProcess.StartAsync(cloudData.Path, token, cloudPort, timeout.Token);
            await AppRequests.WaitDrainedAsync(http, TimeSpan.FromSeconds(120));
            var status = await AppRequests.StatusAsync(http);
            Assert.Equal(0, status.GetProperty("queue").GetProperty("dead_letters").GetInt64());

            // 4. Every acknowledged value exactly once, in capture order, with its own timestamp; nothing else.
            using var admin = new CloudAdmin(cloud.BaseAddress, token);
            for (var d = 0; d < Devices; d++)
            {
                var history = await admin.HistoryAsync(product, $"dev{d}", "v");
                var seen = new HashSet<int>();
                var previous = -1;
                foreach (var (ts, value) in history)
                {
                    var index = int.Parse(value.AsSpan(value.IndexOf(':') + 1, value.IndexOf('&') - value.IndexOf(':') - 1), CultureInfo.InvariantCulture);
                    Assert.Equal($"d{d}:{index}&=%\n", value);
                    Assert.Equal((BaseSeconds + index) * 1000, ts);
                    Assert.True(seen.Add(index), $"dev{d}: value {index} stored twice");
                    Assert.True(index > previous, $"dev{d}: value {index} after {previous}");
                    previous = index;
                    var chunk = index / ValuesPerChunk;
                    Assert.True(acked.ContainsKey((d, chunk)) || unacked.ContainsKey((d, chunk)), $"dev{d}: value {index} was never sent");
                }

                foreach (var ((device, chunk), _) in acked.Where(a => a.Key.Device == d))
                {
                    for (var i = chunk * ValuesPerChunk; i < (chunk + 1) * ValuesPerChunk; i++)
                    {
                        Assert.True(seen.Contains(i), $"dev{device}: acknowledged value {i} is missing");
                    }
                }
            }

            Assert.True(acked.Count * ValuesPerChunk >= 90_000, $"only {acked.Count * ValuesPerChunk} values were acknowledged");
        }
        finally
        {
            if (!gmq.HasExited)
            {
                gmq.Kill();
            }

            gmq.Dispose();
        }
    }

    private static async Task<Process> StartGmqAsync(string url, Uri cloud, string directory, CancellationToken cancellationToken)
    {
        var assembly = typeof(GmqCrashTests).Assembly.Location;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        start.Environment["DOTNET_STARTUP_HOOKS"] = assembly;
        start.Environment[GmqChild.Variable] = $"{url}|{cloud}|{directory}";
        var process = Process.Start(start)!;
        var line = await process.StandardOutput.ReadLineAsync(cancellationToken);
        if (line != "listening")
        {
            process.Kill();
            throw new InvalidOperationException($"the GMQ child did not start: {line}");
        }

        return process;
    }
}
