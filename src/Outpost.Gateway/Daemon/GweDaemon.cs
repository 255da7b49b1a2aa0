using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Device;
using Outpost.Gateway.Cli;
using Outpost.Gateway.Control;
using Outpost.Gateway.Engine;
using Outpost.Gateway.Queue.Forwarding;
using Outpost.Gateway.Queue.Hosting;
using Outpost.Gateway.Supervisor;
using Outpost.Gateway.Supervisor.Supervisord;

namespace Outpost.Gateway.Daemon;

/// <summary>The gwe daemon (<c>gwe run</c>, or <c>gwe</c> with no action flag): one process hosting the apps, GMQ and
/// the engine loop, each as a hosted service of one .NET host.</summary>
/// <remarks>
/// <para>Called by the CLI (<see cref="DaemonFlags"/>). The host is ASP.NET Core's slim <see cref="WebApplication"/>
/// because the control endpoint is a minimal API on Kestrel; it is a Generic Host underneath.</para>
/// <code>
///  1. Prepare the home (apps/, logs/, conf.d/, gmq/) and prove it writable; read engine.conf ([engine], [gmq]) and
///     the cloud host from Gateway.cfg (GMQ forwards there). Any failing: one line, exit 1.
///  2. Refuse to run twice: a socket that answers is a live daemon (exit 1); one that refuses is stale and removed.
///  3. Build the host: ISupervisor (builtin or supervisord; the engine's OTA pipeline uses the same one), then hosted
///     services in start order:
///       GmqService (opens the one queue) → GMQ HTTP front (127.0.0.1:8090 or [gmq] url) → GMQ forwarder
///       → SupervisorService (loads conf.d, autostarts by priority)
///       → engine: EngineStartup (identity; fails start on a bad one) → activation, reports, update_interval, engine_fetch
///       → Kestrel on gwe.sock (mode 0600) serving ControlEndpoints.
///  4. Run until SIGTERM/SIGINT; the host stops services in reverse order: the engine, then the apps, then GMQ's front
///     and forwarder (apps can write until they stop), then the queue closes.
///  5. A start failure anywhere (bad conf, socket in use, supervisord silent) is logged, printed as one line, exit 1.
/// </code>
/// </remarks>
internal static class GweDaemon
{
    /// <summary>Runs the daemon until it is told to stop; returns the process exit code.</summary>
    /// <param name="gmqUrl">GMQ's local API for this run (<c>gwe run --gmq-url</c>), over <c>[gmq] url</c>; null: engine.conf's.</param>
    public static async Task<int> RunAsync(GweHome home, TextWriter error, string? gmqUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(error);
        HostingConfig engine;
        GmqOptions gmq;
        try
        {
            engine = await PrepareAsync(home, error);
            gmq = await ReadGmqAsync(home, gmqUrl, cancellationToken);

            await RefuseSecondDaemonAsync(home, error, cancellationToken);
        }
        catch (Exception ex) when (ex is DaemonStartException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"gwe: the daemon cannot start: {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }

        var app = Build(home, engine, gmq, gmqUrl);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Outpost.Gateway.Daemon");
        logger.Starting(GweVersion.Describe(), Environment.ProcessId, home.Path, engine.ProcessManager.ToString().ToLowerInvariant());
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DaemonStartException or IOException or SocketException or UnauthorizedAccessException or InvalidOperationException)
        {
            logger.CannotStart(ex.Message);
            await error.WriteLineAsync($"gwe: the daemon cannot start: {ex.Message.ReplaceLineEndings(" ")}");
            await StopQuietlyAsync(app);
            return 1;
        }

        File.SetUnixFileMode(home.Socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        logger.Ready(home.Socket);
        // Start-up garbage (configuration, DI, Kestrel, SQLite set-up) is dead once the daemon is up; one aggressive
        // collection gives its pages back to the OS, so an idle gateway holds only what it uses (~3 MB less RSS,
        // bench/README.md "supervisor").
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

        await app.WaitForShutdownAsync(cancellationToken);
        await app.DisposeAsync();
        logger.Stopped();
        return 0;
    }

    /// <summary>
    /// Creates the home's directories (proving it writable) and reads engine.conf's hosting keys, printing its warnings;
    /// throws <see cref="DaemonStartException"/> (or an I/O error) with the line to print. Shared with <c>gwe -o</c>.
    /// </summary>
    internal static async Task<HostingConfig> PrepareAsync(GweHome home, TextWriter error)
    {
        home.Prepare();
        var read = EngineConfigReader.ReadFile(home.EngineConf);
        var engine = read.Config ?? throw new DaemonStartException(read.Error!);
        foreach (var w in read.Warnings)
        {
            await error.WriteLineAsync($"gwe: warning: {w}");
        }

        return engine;
    }

    /// <summary>
    /// GMQ's settings: <c>[gmq]</c> of engine.conf (its <c>url</c> replaced by <paramref name="gmqUrl"/> when given),
    /// forwarding to the engine's cloud (<c>host</c> in Gateway.cfg).
    /// </summary>
    private static async Task<GmqOptions> ReadGmqAsync(GweHome home, string? gmqUrl, CancellationToken cancellationToken)
    {
        var gatewayCfg = home.GatewayCfg;
        var identity = await DeviceIdentity.LoadAsync(gatewayCfg, cancellationToken);
        // EngineStartup's checks, before anything starts: GMQ needs the cloud's URL to be built, and an identity the engine
        // would refuse must not start GMQ and the apps only to stop them again.
        if (EngineStartup.Problem(identity, gatewayCfg) is { } problem)
        {
            throw new DaemonStartException(problem);
        }

        var cloud = new Uri(identity.Host);

        var options = GmqConfigReader.ReadFile(home.EngineConf, cloud, home.QueueFile, out var gmqError)
            ?? throw new DaemonStartException(gmqError);
        if (gmqUrl is null)
        {
            return options;
        }

        options = options with { Url = gmqUrl };
        return options.Validate() is { Count: > 0 } errors
            ? throw new DaemonStartException("--gmq-url: " + string.Join(" ", errors))
            : options;
    }

    private static WebApplication Build(GweHome home, HostingConfig engine, GmqOptions gmq, string? gmqUrl)
    {
        // No config reload: the daemon reads no appsettings, and the reload's FileSystemWatcher would watch the home
        // recursively (a thread woken by every line an app writes to its log under logs/).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = home.Path,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
        });
        // debug_level (gwe -d) sets how much the daemon logs; the framework's own chatter stays at warnings.
        builder.Logging.SetMinimumLevel((EngineConfigFile.Load(home.EngineConf).TryRead(out _) ?? new EngineConfig()).LogLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System", LogLevel.Warning);
        // A start failure is reported once, by us, as one line; the host would add its own stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        // HTTP/1.1 only: ControlClient speaks nothing else, and an HTTP/2-capable endpoint costs memory per connection.
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(home.Socket, l => l.Protocols = HttpProtocols.Http1));
        builder.Services.Configure<HostOptions>(o =>
        {
            // Apps get stopwaitsecs (default 10 s) each before SIGKILL; the host must not give up on them sooner.
            o.ShutdownTimeout = TimeSpan.FromMinutes(2);
            o.ServicesStartConcurrently = false;
            o.ServicesStopConcurrently = false;
        });

        var time = TimeProvider.System;
        builder.Services.AddSingleton(home);
        builder.Services.AddSingleton(engine);
        builder.Services.AddSingleton(new DaemonInfo(Environment.ProcessId, time.GetUtcNow()));
        AddSupervisor(builder.Services, home, engine, time);

        // Start order = registration order; the host stops them in reverse.
        builder.Services.AddSingleton<GmqService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GmqService>());
        // GMQ's front and forwarder take the queue GmqService opened (AddGmq's MessageQueue singleton: one queue file,
        // one opener). They start before the apps so an app's first write finds GMQ listening.
        builder.Services.AddSingleton<IGmqConfigSource>(sp => new GmqConfigSource(home, gmq, gmqUrl));
        builder.Services.AddGmq(gmq);
        builder.Services.AddSingleton<SupervisorService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SupervisorService>());
        // engine_report.gmq and usage_report.gmq: the live queue's statistics and GMQ's traffic per app (null while GMQ
        // is closed). Registered before AddEngine so its TryAdd keeps this one, as it keeps the supervisor,
        // SupervisorOptions and TimeProvider above.
        builder.Services.AddSingleton<IGmqStatistics>(sp =>
        {
            var queue = sp.GetRequiredService<GmqService>();
            var link = sp.GetRequiredService<CloudLink>();
            return new GmqStatistics(
                () => queue.Queue?.Statistics,
                () => queue.Queue is null ? null : link.Bandwidth(),
                () => queue.Queue is null ? null : link.Snapshot());
        });
        builder.Services.AddEngine(new EngineOptions { Home = home });
        builder.Services.AddSingleton<ControlEndpoints>();

        var app = builder.Build();
        app.Services.GetRequiredService<ControlEndpoints>().Map(app);

        // Issue 8's "immediate resume when the cloud is back": the engine talks to the cloud anyway (its engine_fetch long
        // poll, its reports), so the moment it gets an answer from GMQ's cloud, GMQ's forwarder stops backing off
        // (FetchService asks without waiting after a failure, so that answer is not a long poll's timeout away). No
        // probe of GMQ's own: on a cellular link every probe through a long outage is paid for.
        var link = app.Services.GetRequiredService<CloudLink>();
        app.Services.GetRequiredService<EngineState>().CloudReached += (_, host) =>
        {
            if (Uri.Compare(host, gmq.CloudUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            {
                link.AnsweredElsewhere();
            }
        };
        return app;
    }

    /// <summary>
    /// The clock and the process manager engine.conf names (builtin <see cref="ProcessSupervisor"/> or supervisord), as
    /// the daemon and <c>gwe -o</c> share them; the engine's install pipeline uses the same one.
    /// </summary>
    internal static void AddSupervisor(IServiceCollection services, GweHome home, HostingConfig engine, TimeProvider time)
    {
        services.AddSingleton(time);
        services.AddSingleton(new SupervisorOptions { LogDirectory = home.Logs });
        if (engine.ProcessManager == ProcessManagerKind.Supervisord)
        {
            services.AddSingleton<ISupervisor>(sp => new SupervisordBackend(
                new SupervisordClient(engine.SupervisordSocket, TimeSpan.FromSeconds(60)),
                engine.SupervisordIncludeDir,
                home.Logs,
                time,
                sp.GetRequiredService<ILogger<SupervisordBackend>>()));
        }
        else
        {
            // Registered concretely too, so AddEngine's TryAdd of a ProcessSupervisor finds this one: one supervisor per process.
            services.AddSingleton(sp => new ProcessSupervisor(
                sp.GetRequiredService<SupervisorOptions>(), time, sp.GetRequiredService<ILogger<ProcessSupervisor>>()));
            services.AddSingleton<ISupervisor>(sp => sp.GetRequiredService<ProcessSupervisor>());
        }
    }

    /// <summary>Whether a live daemon answers on the home's control socket (a socket file nobody listens on is stale).</summary>
    internal static async Task<bool> DaemonAnswersAsync(GweHome home, CancellationToken cancellationToken)
    {
        if (!File.Exists(home.Socket))
        {
            return false;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(home.Socket), cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task RefuseSecondDaemonAsync(GweHome home, TextWriter error, CancellationToken cancellationToken)
    {
        if (await DaemonAnswersAsync(home, cancellationToken))
        {
            throw new DaemonStartException($"another gwe daemon is running (it answers on {home.Socket})");
        }

        if (File.Exists(home.Socket))
        {
            // Nobody listens: a daemon died without cleaning up (kill -9). The socket file is ours to replace.
            File.Delete(home.Socket);
            await error.WriteLineAsync($"gwe: removed a stale control socket at {home.Socket}");
        }
    }

    private static async Task StopQuietlyAsync(WebApplication app)
    {
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await app.StopAsync(limit.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
        {
            // Best effort: the start already failed and that is what gets reported.
        }

        await app.DisposeAsync();
    }
}
