using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Outpost.Device;
using Outpost.Gateway.Engine;

namespace Outpost.Gateway.Daemon;

/// <summary>
/// <c>gwe -o/--once</c>: one check-in instead of the daemon — for cron, a first test of a new gateway, or a person
/// asking "does this gateway reach the cloud?". Called by the CLI (<see cref="Cli.DaemonFlags"/>).
/// </summary>
/// <remarks>
/// <code>
///  1. prepare the home, read engine.conf; refuse when a daemon answers on gwe.sock (it owns the apps and the
///     install pipeline; two pipelines on one home would race)
///  2. the daemon's services without a host: the same supervisor (engine.conf's process_manager) and AddEngine
///  3. EngineCycle: start-up, activation (one attempt), apps_to_install, reports, the pending engine_fetch command
///  4. print one line per thing done, exit 0; any failure is one line on stderr, exit 1
///  5. dispose: a builtin supervisor stops the apps it started (as gwe -I does); supervisord keeps them
/// </code>
/// The log goes to stderr at ERROR, or at the level of debug_level when that is DEBUG, so stdout is the summary.
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal static class GweOnce
{
    /// <summary>Runs one cycle; returns the process exit code.</summary>
    public static async Task<int> RunAsync(GweHome home, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        HostingConfig hosting;
        EngineConfig engine;
        try
        {
            hosting = await GweDaemon.PrepareAsync(home, error);
            engine = EngineConfigFile.Load(home.EngineConf).TryRead(out var problem) ?? throw new DaemonStartException(problem!);
            if (await GweDaemon.DaemonAnswersAsync(home, cancellationToken))
            {
                throw new DaemonStartException($"the gwe daemon is running (it answers on {home.Socket}); it already checks in");
            }
        }
        catch (Exception ex) when (ex is DaemonStartException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"gwe: --once cannot run: {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }

        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
            });
            logging.SetMinimumLevel(engine.LogLevel == LogLevel.Debug ? LogLevel.Debug : LogLevel.Error);
            logging.AddFilter("Microsoft", LogLevel.Warning);
            logging.AddFilter("System", LogLevel.Warning);
        });
        services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        GweDaemon.AddSupervisor(services, home, hosting, TimeProvider.System);
        services.AddEngine(new EngineOptions { Home = home });
        await using var provider = services.BuildServiceProvider();
        try
        {
            foreach (var line in await provider.GetRequiredService<EngineCycle>().RunAsync(cancellationToken))
            {
                await output.WriteLineAsync(line);
            }

            return 0;
        }
        catch (Exception ex) when (ex is EngineCycleException or InvalidOperationException or DeviceApiException or HttpRequestException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"gwe: --once: {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }
}
