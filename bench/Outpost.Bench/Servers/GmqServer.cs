using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Gateway.Queue;
using Outpost.Gateway.Queue.Hosting;
using Outpost.Gateway.Queue.Http;
using Outpost.Protocol.Forms;

namespace Outpost.Bench.Servers;

/// <summary>
/// <c>gmq-serve</c>: GMQ's local API exactly as gwe hosts it (<see cref="GmqServices.AddGmq"/>, its own Kestrel), run
/// as a child process by <c>gmq-http</c> so the server has its own process, GC and CPU accounting, as in the daemon.
/// Two extra routes on the same listener: <c>POST /bare</c> (read the body, parse the form, answer 204, store nothing —
/// the reference) and <c>GET /bench/commits</c> (the queue's group commits so far: <c>commits values commit-ms</c>).
/// </summary>
internal static class GmqServer
{
    public static async Task<int> RunAsync(BenchArguments args)
    {
        var urls = args.Text("urls") ?? "http://127.0.0.1:8090";
        var queuePath = args.Text("queue") ?? throw new ArgumentException("gmq-serve needs --queue PATH");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();

        // No cloud (discard port): the forwarder backs off quietly, so the figure is the local API's alone.
        builder.Services.AddGmq(new GmqOptions
        {
            Url = urls,
            CloudUrl = new Uri("http://127.0.0.1:9/"),
            QueuePath = queuePath,
            MaxBytes = 16L << 30,
            MinFreeDiskPercent = 0,
            BackoffMax = TimeSpan.FromMinutes(1),
        });
        MessageQueue? queue = null;
        builder.Services.AddSingleton(new GmqExtraRoutes(routes =>
        {
            routes.MapPost("/bare", static async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body, context.RequestAborted);
                var form = FormCodec.Parse(body.ToArray());
                context.Response.StatusCode = form.Ok ? 204 : 400;
                context.Response.ContentLength = 0;
            });
            routes.MapGet("/bench/commits", context =>
            {
                var (commits, values) = queue!.GroupCommits;
                return context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{commits} {values} {queue.CommitTime.TotalMilliseconds}"));
            });
        }));
        using var host = builder.Build();
        queue = host.Services.GetRequiredService<MessageQueue>();
        await host.StartAsync();
        Console.WriteLine($"gmq-serve listening on {urls}");
        await host.WaitForShutdownAsync();
        return 0;
    }
}
