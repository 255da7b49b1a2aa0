using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Gateway.Queue.Hosting;
using Outpost.Gateway.Queue.Http;
using Outpost.Protocol.Forms;

namespace Outpost.Bench;

/// <summary>
/// <c>gmq-http</c>: durable writes through GMQ's local API (<c>POST /onep:v1/stack/alias</c>, 204 after the fsync)
/// from N concurrent app connections, next to a bare endpoint on the same Kestrel listener (parse the form, answer
/// 204, store nothing), alternating rounds in the same run.
/// </summary>
internal static class HttpEnqueueBenchmark
{
    public static async Task<int> RunAsync(BenchArguments args)
    {
        var seconds = args.Int("seconds", 5);
        var connections = args.Int("connections", 8);
        var rounds = args.Int("rounds", 2);
        var directory = args.WorkDirectory();
        try
        {
            Machine.Print(directory);
            Console.WriteLine($"gmq-http: {connections} connections, one value per request, {seconds} s per run, {rounds} rounds");
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();

            // No cloud: the forwarder backs off quietly, so the figure is the local API's alone.
            builder.Services.AddGmq(new GmqOptions
            {
                Url = "http://127.0.0.1:0",
                CloudUrl = new Uri("http://127.0.0.1:9/"),
                QueuePath = Path.Combine(directory, "gmq.db"),
                MaxBytes = 16L << 30,
                MinFreeDiskPercent = 0,
                BackoffMax = TimeSpan.FromMinutes(1),
            });
            builder.Services.AddSingleton(new GmqExtraRoutes(routes => routes.MapPost("/bare", async context =>
            {
                var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body, context.RequestAborted);
                var form = FormCodec.Parse(body.ToArray());
                context.Response.StatusCode = form.Ok ? 204 : 400;
                context.Response.ContentLength = 0;
            })));
            using var host = builder.Build();
            await host.StartAsync();
            var address = host.Services.GetRequiredService<GmqHttpFront>().Address!;
            Console.WriteLine();
            Console.WriteLine("| round | bare 204/s | GMQ durable 204/s | GMQ/bare | values/commit |");
            Console.WriteLine("|---|---|---|---|---|");
            var queue = host.Services.GetRequiredService<Outpost.Gateway.Queue.MessageQueue>();
            for (var round = 1; round <= rounds; round++)
            {
                var bare = await RunAsync(address, "/bare", connections, seconds);
                var before = queue.GroupCommits;
                var gmq = await RunAsync(address, "/onep:v1/stack/alias", connections, seconds);
                var after = queue.GroupCommits;
                var perCommit = (after.Values - before.Values) / (double)Math.Max(1, after.Commits - before.Commits);
                Console.WriteLine($"| {round} | {bare:N0} | {gmq:N0} | {gmq / bare:F2} | {perCommit:F1} |");
            }

            await host.StopAsync();
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<double> RunAsync(Uri address, string path, int connections, int seconds)
    {
        var cik = new string('c', 40);
        var count = 0L;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
        {
            // One HttpClient per connection: one keep-alive TCP connection each, as eight app processes would have.
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = address };
            var n = 0L;
            while (clock.Elapsed < until)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path)
                {
                    Content = new ByteArrayContent(Encoding.UTF8.GetBytes($"temp={n}.5")),
                };
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
                request.Headers.TryAddWithoutValidation("X-Exosite-CIK", cik);
                using var response = await http.SendAsync(request);
                if ((int)response.StatusCode != 204)
                {
                    throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}");
                }

                n++;
            }

            Interlocked.Add(ref count, n);
        })));
        return count / clock.Elapsed.TotalSeconds;
    }
}
