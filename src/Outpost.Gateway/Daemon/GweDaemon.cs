using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Gateway.Cli;
using Outpost.Gateway.Control;
using Outpost.Gateway.Engine;
using Outpost.Gateway.Supervisor;
using Outpost.Gateway.Supervisor.Supervisord;

namespace Outpost.Gateway.Daemon;

/// <summary>The gwe daemon (<c>gwe run</c>, or <c>gwe</c> with no action flag): one process hosting the apps, GMQ and,
/// later, the engine loop, each as a hosted service of one .NET host.</summary>
/// <remarks>
/// <para>Called by the CLI (<see cref="DaemonFlags"/>). The host is ASP.NET Core's slim <see cref="WebApplication"/>
/// because the control endpoint is a minimal API on Kestrel; it is a Generic Host underneath.</para>
/// <code>
///  1. Prepare the home (apps/, logs/, conf.d/, gmq/) and prove it writable; read engine.conf. Either failing: one line, exit 1.
///  2. Refuse to run twice: a socket that answers is a live daemon (exit 1); one that refuses is stale and removed.
///  3. Build the host: ISupervisor (builtin or supervisord), then hosted services in start order:
///       GmqService → SupervisorService (loads conf.d, autostarts by priority) → [issue 6: engine loop]
///       → [issue 8: GMQ HTTP front] → Kestrel on gwe.sock (mode 0600) serving ControlEndpoints.
///  4. Run until SIGTERM/SIGINT; the host stops services in reverse order, so apps stop before GMQ closes.
///  5. A start failure anywhere (bad conf, socket in use, supervisord silent) is logged, printed as one line, exit 1.
/// </code>
/// </remarks>
internal static class GweDaemon
{
    /// <summary>Runs the daemon until it is told to stop; returns the process exit code.</summary>
    public static async Task<int> RunAsync(GweHome home, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(error);
        HostingConfig engine;
        try
        {
            home.Prepare();
            var read = EngineConfigReader.ReadFile(home.EngineConf);
            engine = read.Config ?? throw new DaemonStartException(read.Error!);
            foreach (var w in read.Warnings)
            {
                await error.WriteLineAsync($"gwe: warning: {w}");
            }

            await RefuseSecondDaemonAsync(home, error, cancellationToken);
        }
        catch (Exception ex) when (ex is DaemonStartException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"gwe: the daemon cannot start: {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }

        var app = Build(home, engine);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Outpost.Gateway.Daemon");
        logger.Starting(VersionFlags.Describe(), Environment.ProcessId, home.Root, engine.ProcessManager.ToString().ToLowerInvariant());
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
        await app.WaitForShutdownAsync(cancellationToken);
        await app.DisposeAsync();
        logger.Stopped();
        return 0;
    }

    private static WebApplication Build(GweHome home, HostingConfig engine)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = home.Root });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System", LogLevel.Warning);
        // A start failure is reported once, by us, as one line; the host would add its own stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(home.Socket));
        builder.Services.Configure<HostOptions>(o =>
        {
            // Apps get stopwaitsecs (default 10 s) each before SIGKILL; the host must not give up on them sooner.
            o.ShutdownTimeout = TimeSpan.FromMinutes(2);
            o.ServicesStartConcurrently = false;
            o.ServicesStopConcurrently = false;
        });

        var time = TimeProvider.System;
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(home);
        builder.Services.AddSingleton(engine);
        builder.Services.AddSingleton(new DaemonInfo(Environment.ProcessId, time.GetUtcNow()));
        builder.Services.AddSingleton(new SupervisorOptions { LogDirectory = home.Logs });
        if (engine.ProcessManager == ProcessManagerKind.Supervisord)
        {
            builder.Services.AddSingleton<ISupervisor>(sp => new SupervisordBackend(
                new SupervisordClient(engine.SupervisordSocket, TimeSpan.FromSeconds(60)),
                engine.SupervisordIncludeDir,
                home.Logs,
                time,
                sp.GetRequiredService<ILogger<SupervisordBackend>>()));
        }
        else
        {
            builder.Services.AddSingleton<ISupervisor>(sp => new ProcessSupervisor(
                sp.GetRequiredService<SupervisorOptions>(), time, sp.GetRequiredService<ILogger<ProcessSupervisor>>()));
        }

        // Start order = registration order; the host stops them in reverse.
        builder.Services.AddSingleton<GmqService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GmqService>());
        builder.Services.AddSingleton<SupervisorService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SupervisorService>());
        // Issue 6 (engine loop: activation, reports, engine_fetch, OTA) and issue 8 (GMQ's HTTP front, forwarder)
        // register their hosted services here; they take SupervisorService / GmqService from the container.
        builder.Services.AddSingleton<ControlEndpoints>();

        var app = builder.Build();
        app.Services.GetRequiredService<ControlEndpoints>().Map(app);
        return app;
    }

    private static async Task RefuseSecondDaemonAsync(GweHome home, TextWriter error, CancellationToken cancellationToken)
    {
        if (!File.Exists(home.Socket))
        {
            return;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(home.Socket), cancellationToken);
        }
        catch (SocketException)
        {
            // Nobody listens: a daemon died without cleaning up (kill -9). The socket file is ours to replace.
            File.Delete(home.Socket);
            await error.WriteLineAsync($"gwe: removed a stale control socket at {home.Socket}");
            return;
        }

        throw new DaemonStartException($"another gwe daemon is running (it answers on {home.Socket})");
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
