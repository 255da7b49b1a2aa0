using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Gateway.Queue;
using Outpost.Gateway.Queue.Forwarding;
using Outpost.Gateway.Queue.Hosting;
using Outpost.Gateway.Queue.Http;

namespace Outpost.Gateway.Tests.Gmq;

/// <summary>GMQ in-process, registered exactly as the daemon host will (<see cref="GmqServices.AddGmq"/>), on a free port.</summary>
internal sealed class GmqInstance : IAsyncDisposable
{
    private readonly IHost _host;

    private GmqInstance(IHost host, string directory)
    {
        _host = host;
        Directory = directory;
        Address = host.Services.GetRequiredService<GmqHttpFront>().Address!;
        Http = new HttpClient { BaseAddress = Address };
    }

    public Uri Address { get; }

    public string Directory { get; }

    public HttpClient Http { get; }

    public MessageQueue Queue => _host.Services.GetRequiredService<MessageQueue>();

    public CloudLink Link => _host.Services.GetRequiredService<CloudLink>();

    public CredentialMap Credentials => _host.Services.GetRequiredService<CredentialMap>();

    public static GmqOptions Options(Uri cloud, string directory, Func<GmqOptions, GmqOptions>? change = null)
    {
        var options = new GmqOptions
        {
            Url = "http://127.0.0.1:0",
            CloudUrl = cloud,
            QueuePath = Path.Combine(directory, "gmq.db"),
            MinFreeDiskPercent = 0,
            BackoffBase = TimeSpan.FromMilliseconds(50),
            BackoffMax = TimeSpan.FromMilliseconds(500),
            IdleInterval = TimeSpan.FromMilliseconds(200),
            CloudTimeout = TimeSpan.FromSeconds(10),
            ReadTimeout = TimeSpan.FromSeconds(2),
        };
        return change is null ? options : change(options);
    }

    /// <param name="cloud">The cloud GMQ forwards to.</param>
    /// <param name="directory">Where its queue file goes.</param>
    /// <param name="change">Changes to <see cref="Options"/>.</param>
    /// <param name="time">GMQ's clock (the system's by default).</param>
    public static async Task<GmqInstance> StartAsync(Uri cloud, string directory, Func<GmqOptions, GmqOptions>? change = null, TimeProvider? time = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddGmq(Options(cloud, directory, change));
        var host = builder.Build();
        await host.StartAsync();
        return new GmqInstance(host, directory);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _host.StopAsync();
        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}
