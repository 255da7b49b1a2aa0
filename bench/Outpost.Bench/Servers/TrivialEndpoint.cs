using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Outpost.Bench.Servers;

/// <summary>
/// <c>trivial-204</c>: the ceiling for the cloud-* modes — Kestrel with the same settings as <c>outpost serve</c>
/// (slim builder, routing, no server header), answering every request with a fixed 204 and doing nothing else.
/// Run as a child process by the cloud-* modes so that it, like outpost, has its own process and GC.
/// </summary>
internal static class TrivialEndpoint
{
    public static async Task<int> RunAsync(BenchArguments args)
    {
        var urls = args.Text("urls") ?? "http://127.0.0.1:8099";
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(6);
        });
        var app = builder.Build();
        // A routed endpoint, as outpost's are; the body (if any) is drained by Kestrel, unread.
        app.Map("/{**path}", static context =>
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        Console.WriteLine($"trivial-204 listening on {urls}");
        await app.WaitForShutdownAsync();
        return 0;
    }
}
