using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Outpost.Gateway.Apps;
using Outpost.Gateway.Supervisor;

namespace Outpost.Gateway.Engine;

/// <summary>
/// The one registration seam of the engine: the daemon host (a Generic Host) calls
/// <c>services.AddEngine(new EngineOptions { Home = GweHome.Resolve(home) })</c> and gets activation, reports,
/// update_interval, engine_fetch and the install pipeline.
/// </summary>
/// <remarks>
/// What it expects from the host, each registered only when the host did not already (TryAdd):
/// <see cref="TimeProvider"/> (system clock), <see cref="ISupervisor"/> (a <see cref="ProcessSupervisor"/> logging to
/// <c>&lt;home&gt;/logs</c>; a host that registers its own supervisor must register it as <see cref="ISupervisor"/>
/// before or after this call — TryAdd keeps the host's), and <see cref="IGmqStatistics"/> (none: engine_report has no
/// <c>gmq</c>). Hosted services start in this order: <see cref="EngineStartup"/> (fails the host's start on a bad
/// configuration), then the activation, report, update_interval and engine_fetch loops.
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal static class EngineServices
{
    /// <summary>Registers the engine. Throws <see cref="System.ComponentModel.DataAnnotations.ValidationException"/> on bad options.</summary>
    public static IServiceCollection AddEngine(this IServiceCollection services, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IGmqStatistics, NoGmqStatistics>();
        services.TryAddSingleton(new SupervisorOptions { LogDirectory = options.Home.Logs });
        services.TryAddSingleton<ProcessSupervisor>(sp => new ProcessSupervisor(
            sp.GetRequiredService<SupervisorOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ProcessSupervisor>>()));
        services.TryAddSingleton<ISupervisor>(sp => sp.GetRequiredService<ProcessSupervisor>());

        services.AddSingleton(options);
        // install_timeout comes from engine.conf; a bad file fails start-up in EngineStartup, so defaults do here.
        var config = EngineConfigFile.Load(options.Home.EngineConf).TryRead(out _) ?? new EngineConfig();
        services.AddSingleton(options.Home.Apps(config));
        services.AddSingleton(sp => new AppInventory(sp.GetRequiredService<AppsOptions>().StateDirectory));
        services.AddSingleton<InstallPipeline>();
        services.AddSingleton<EngineState>();
        services.AddSingleton<CloudOutage>();
        services.AddSingleton<CommandRunner>();

        // Registered concretely too, so EngineCycle (gwe -o) runs the same steps once without starting the loops.
        services.AddSingleton<EngineStartup>();
        services.AddSingleton<ActivationService>();
        services.AddSingleton<ReportService>();
        services.AddSingleton<FetchService>();
        services.AddSingleton<EngineCycle>();
        services.AddHostedService(sp => sp.GetRequiredService<EngineStartup>());
        services.AddHostedService(sp => sp.GetRequiredService<ActivationService>());
        services.AddHostedService(sp => sp.GetRequiredService<ReportService>());
        services.AddHostedService<UpdateIntervalService>();
        services.AddHostedService(sp => sp.GetRequiredService<FetchService>());
        return services;
    }
}
