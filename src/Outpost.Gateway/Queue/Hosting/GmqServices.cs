using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Gateway.Queue.Forwarding;
using Outpost.Gateway.Queue.Http;

namespace Outpost.Gateway.Queue.Hosting;

/// <summary>
/// The one registration seam for GMQ: the gwe daemon host calls <see cref="AddGmq"/> and gets the durable queue, the
/// local HTTP API (its own Kestrel on <c>[gmq] url</c>) and the forwarder, started and stopped with the host.
/// </summary>
/// <remarks>
/// Start order (hosted services start in registration order): 1. the local API loads the identity map and listens;
/// 2. the forwarder starts draining. Stop order is the reverse: the API stops taking values, then the forwarder stops,
/// then the container disposes the queue (which commits what it was handed) and the cloud link.
/// </remarks>
internal static class GmqServices
{
    /// <summary>Registers GMQ. Throws <see cref="ArgumentException"/> with one line per bad setting.</summary>
    public static IServiceCollection AddGmq(this IServiceCollection services, GmqOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid [gmq] settings: " + string.Join(" ", errors), nameof(options));
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddSingleton(options);
        services.AddSingleton(new GmqSettings(options));
        services.AddSingleton<ForwarderSignals>();
        services.AddSingleton<LastKnownValues>();

        // Opening is synchronous work (SQLite open + migrate) behind a Task; the first resolve (the API's start) does it.
        services.AddSingleton(sp => MessageQueue.OpenAsync(
            options.ToQueueOptions(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<MessageQueue>()).GetAwaiter().GetResult());
        services.AddSingleton<CredentialMap>();
        services.AddSingleton<CloudLink>();
        services.AddSingleton<GmqHandlers>();
        services.AddSingleton<GmqHttpFront>();
        services.AddSingleton<GmqForwarder>();
        services.AddHostedService(sp => sp.GetRequiredService<GmqHttpFront>());
        services.AddHostedService(sp => sp.GetRequiredService<GmqForwarder>());
        return services;
    }
}
