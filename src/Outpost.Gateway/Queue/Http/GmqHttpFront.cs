using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Gateway.Queue.Forwarding;
using Outpost.Gateway.Queue.Hosting;

namespace Outpost.Gateway.Queue.Http;

/// <summary>
/// GMQ's local HTTP API as a hosted service owning its own small Kestrel server on <c>[gmq] url</c>, so the gwe daemon
/// host needs no web stack of its own. Registered by <see cref="GmqServices.AddGmq"/>.
/// </summary>
/// <remarks>
/// Start: 1. load the identity → CIK map from the queue file; 2. build a slim WebApplication bound to the url only;
/// 3. map the routes to <see cref="GmqHandlers"/>; 4. listen (a port in use fails gwe's start, naming the url).
/// Stop: Kestrel stops accepting, lets requests in flight finish (their values are committed either way), closes.
/// </remarks>
internal sealed class GmqHttpFront(GmqOptions options, GmqHandlers handlers, CredentialMap credentials, ILogger<GmqHttpFront> logger, GmqExtraRoutes? extraRoutes = null) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The address actually bound (the port is chosen by the OS when the url says <c>:0</c>).</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await credentials.LoadAsync(cancellationToken);
        // No config reload: GMQ reads no appsettings, and the reload's FileSystemWatcher would watch the current
        // directory recursively (inotify events from every file written below it, e.g. app logs, cost CPU).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(options.Url);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Apps speak HTTP/1.1 to GMQ over loopback (no TLS, so no ALPN to negotiate HTTP/2 anyway).
            kestrel.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http1);
            kestrel.Limits.MaxRequestBodySize = GmqHandlers.MaxBodyBytes + 1;
        });
        var app = builder.Build();
        Map(app);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new IOException($"GMQ cannot listen on {options.Url}: {ex.Message}", ex);
        }

        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? options.Url;
        Address = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        GmqLog.Listening(logger, Address.ToString());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
            GmqLog.Stopped(logger);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }

    private void Map(WebApplication app)
    {
        // An unexpected failure is a plain 500 the app can retry, logged here; the values of a 500 were not queued.
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
                if (!context.Response.HasStarted && context.Response.StatusCode is 404 or 405)
                {
                    // Routing's own answers carry no body; an app (or a person with curl) gets told what went wrong.
                    await GmqResponse.WriteAsync(context, context.Response.StatusCode, context.Response.StatusCode == 404
                        ? $"gmq: no such endpoint: {context.Request.Path} (see docs/gmq.md, Local API)"
                        : $"gmq: {context.Request.Method} is not allowed on {context.Request.Path}");
                }
            }
            catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
            {
                GmqLog.RequestFailed(logger, context.Request.Method, context.Request.Path, ex);
                await GmqResponse.WriteAsync(context, 500, "gmq: internal error");
            }
        });
        app.MapPost("/provision/activate", (HttpContext c) => handlers.ActivateAsync(c));
        app.MapPost("/onep:v1/stack/alias", (HttpContext c) => handlers.WriteAsync(c));
        app.MapGet("/onep:v1/stack/alias", (HttpContext c) => handlers.ReadAsync(c));
        app.MapPost("/onep:v1/stack/alias/{alias}", (HttpContext c, string alias) => handlers.RecordAsync(c, alias));
        app.MapPost("/onep:v1/stack/record", (HttpContext c) => handlers.RecordAsync(c, null));
        app.MapGet("/status", (HttpContext c) => handlers.StatusAsync(c));
        app.MapPost("/reread", (HttpContext c) => handlers.RereadAsync(c));
        app.MapGet("/dead-letters", (HttpContext c) => handlers.DeadLettersAsync(c));
        app.MapPost("/dead-letters/retry", (HttpContext c) => handlers.RetryDeadLettersAsync(c));
        app.MapPost("/dead-letters/purge", (HttpContext c) => handlers.PurgeDeadLettersAsync(c));
        extraRoutes?.Map(app);
    }
}
