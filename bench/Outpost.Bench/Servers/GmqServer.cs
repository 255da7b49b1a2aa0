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
/// Extra routes on the same listener: <c>POST /bare</c> (read the body, parse the form, answer 204, store nothing —
/// the reference), <c>POST /floor</c> (the same, then the least a durable write can do: <see cref="DurableFloor"/>),
/// <c>GET /bench/commits</c> (the queue's group commits so far: <c>commits values commit-ms</c>) and
/// <c>GET /bench/floor</c> (the floor's writes so far, in the same form).
/// </summary>
internal static class GmqServer
{
    public static async Task<int> RunAsync(BenchArguments args)
    {
        var urls = args.Text("urls") ?? "http://127.0.0.1:8090";
        var queuePath = args.Text("queue") ?? throw new ArgumentException("gmq-serve needs --queue PATH");
        using var floor = new DurableFloor(queuePath + ".floor", args.Int("floor-writers", 1));
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
                var body = await ReadBodyAsync(context);
                context.Response.StatusCode = FormCodec.Parse(body).Ok ? 204 : 400;
                context.Response.ContentLength = 0;
            });
            routes.MapPost("/floor", async context =>
            {
                var body = await ReadBodyAsync(context);
                var ok = FormCodec.Parse(body).Ok;
                if (ok)
                {
                    await floor.AppendAsync(body);
                }

                context.Response.StatusCode = ok ? 204 : 400;
                context.Response.ContentLength = 0;
            });
            routes.MapGet("/bench/commits", context =>
            {
                var (commits, values) = queue!.GroupCommits;
                return context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{commits} {values} {queue.CommitTime.TotalMilliseconds}"));
            });
            routes.MapGet("/bench/floor", context =>
            {
                var (writes, values, writeMs) = floor.Totals;
                return context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{writes} {values} {writeMs}"));
            });
        }));
        using var host = builder.Build();
        queue = host.Services.GetRequiredService<MessageQueue>();
        await host.StartAsync();
        Console.WriteLine($"gmq-serve listening on {urls}");
        await host.WaitForShutdownAsync();
        return 0;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        return body.ToArray();
    }
}
