using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Device;
using Outpost.Gateway.Queue;
using Outpost.Gateway.Queue.Forwarding;
using Outpost.Gateway.Queue.Hosting;
using Outpost.Protocol.Records;
using Outpost.Testing;

namespace Outpost.Bench;

/// <summary>
/// <c>gmq-drain-cloud</c>: GMQ's forwarder draining a backlog into a real local cloud node, next to the cloud's own
/// ingest rate for the same batches (a client posting straight to <c>/api/v1/device/records</c>, no GMQ), same run.
/// The cloud runs in this process (the same host <c>outpost serve</c> builds), so both share the machine's cores.
/// </summary>
internal static class CloudDrainBenchmark
{
    public static async Task<int> RunAsync(BenchArguments args)
    {
        var backlog = args.Int("backlog", 1_000_000);
        var reference = args.Int("reference", 200_000);
        var devices = args.Int("devices", 16);
        var batch = args.Int("batch", 2000);
        var directory = args.WorkDirectory();
        try
        {
            Machine.Print(directory);
            Console.WriteLine($"gmq-drain-cloud: backlog {backlog:N0} values from {devices} devices, batches of {batch}; cloud reference {reference:N0} values");
            await using var cloud = await TestCloud.StartAsync(Path.Combine(directory, "cloud"));
            var product = await cloud.CreateProductAsync();
            await cloud.AddAliasAsync(product, "temp");
            var ciks = new string[devices * 2];
            for (var d = 0; d < ciks.Length; d++)
            {
                ciks[d] = await cloud.ProvisionAsync(product, $"sn-{d:D4}");
            }

            // 1. The cloud's ingest rate: the same batches posted straight to the batch endpoint, one client per device.
            //    Measured again after the drain (new ids): on a shared machine the load moves between the phases.
            var cloudRate = await IngestAsync(cloud.BaseAddress, ciks[devices..], reference, batch, "ref");

            // 2. The backlog, queued while "offline" (before GMQ's host and forwarder start).
            var queuePath = Path.Combine(directory, "gmq.db");
            await using (var queue = await MessageQueue.OpenAsync(new QueueOptions { Path = queuePath, MaxBytes = 16L << 30, MinFreeDiskPercent = 0 }, TimeProvider.System, NullLogger.Instance))
            {
                var keys = new string[devices];
                for (var d = 0; d < devices; d++)
                {
                    keys[d] = CredentialMap.KeyForCik(ciks[d]);
                    await queue.SaveCredentialAsync(new StoredCredential(keys[d], ciks[d], null, null, null, 0));
                }

                var chunk = new List<QueuedValue>(1000);
                for (long n = 0; n < backlog; n++)
                {
                    chunk.Add(new QueuedValue(keys[n % devices], "temp", 1_600_000_000_000L + n, EnqueueBenchmark.Reading(n)));
                    if (chunk.Count == 1000)
                    {
                        await queue.EnqueueAsync(chunk);
                        chunk = new List<QueuedValue>(1000);
                    }
                }

                await queue.EnqueueAsync(chunk);
            }

            // 3. GMQ starts: time until the cloud has acknowledged the whole backlog.
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();
            builder.Services.AddGmq(new GmqOptions
            {
                Url = "http://127.0.0.1:0",
                CloudUrl = cloud.BaseAddress,
                QueuePath = queuePath,
                MaxBytes = 16L << 30,
                MinFreeDiskPercent = 0,
                BatchValues = batch,
                BatchBytes = 8L << 20,
            });
            using var host = builder.Build();
            var clock = Stopwatch.StartNew();
            await host.StartAsync();
            var gmqQueue = host.Services.GetRequiredService<MessageQueue>();
            while (gmqQueue.Statistics.Depth > 0)
            {
                await Task.Delay(50);
            }

            var drainRate = backlog / clock.Elapsed.TotalSeconds;
            var drainSeconds = clock.Elapsed.TotalSeconds;
            await host.StopAsync();
            var cloudRateAfter = await IngestAsync(cloud.BaseAddress, ciks[devices..], reference, batch, "after");
            Console.WriteLine();
            Console.WriteLine("| | values/s |");
            Console.WriteLine("|---|---|");
            Console.WriteLine($"| cloud ingest before the drain, batches posted straight to /api/v1/device/records ({devices} clients) | {cloudRate:N0} |");
            Console.WriteLine($"| GMQ drain of {backlog:N0} backlog into the same cloud | {drainRate:N0} ({drainSeconds:F1} s) |");
            Console.WriteLine($"| cloud ingest after the drain, same clients | {cloudRateAfter:N0} |");
            Console.WriteLine($"| drain / mean ingest | {drainRate / ((cloudRate + cloudRateAfter) / 2):F2} |");
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Posts <paramref name="total"/> values straight to the batch endpoint, one client per CIK; values/s.</summary>
    private static async Task<double> IngestAsync(Uri cloud, string[] ciks, int total, int batch, string idPrefix)
    {
        var clock = Stopwatch.StartNew();
        var per = Math.Max(1, batch / ciks.Length);
        await Task.WhenAll(ciks.Select((cik, d) => Task.Run(async () =>
        {
            using var client = new DeviceClient(new DeviceClientOptions { Host = cloud, Cik = cik, MaxRetries = 5 });
            var share = total / ciks.Length;
            for (var sent = 0; sent < share; sent += per)
            {
                var records = Enumerable.Range(sent, Math.Min(per, share - sent))
                    .Select(i => new BatchRecord($"{idPrefix}-{d}-{i}", "temp", 1_600_000_000_000L + i, EnqueueBenchmark.Reading(i))).ToList();
                await client.RecordBatchAsync(records);
            }
        })));
        return total / ciks.Length * ciks.Length / clock.Elapsed.TotalSeconds;
    }
}
