using System.CommandLine;
using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Gateway.Apps;
using Outpost.Gateway.Engine;
using Outpost.Gateway.Supervisor;
using Outpost.Gateway.Supervisor.Supervisord;

namespace Outpost.Gateway.Cli;

/// <summary>
/// <c>-I/--install-apps TARBALL…</c>: the OTA pipeline run locally (check, slot, install.sh, supervisor.conf, start and
/// wait RUNNING, commit; rollback on failure) on the process manager engine.conf names. With the built-in supervisor
/// apps are proven to start here and then stopped when this command exits (the daemon starts every installed app on its
/// next start); with supervisord the app is registered there and keeps running. One line per tarball; exit 1 if any
/// failed. Refused while a daemon answers on the home's control socket, and when supervisord does not answer.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class InstallFlags : IFlagGroup
{
    private readonly Option<string[]> _install = new("--install-apps", "-I")
    {
        Description = "Provide the path to a tarball or a list of paths to tarballs to install.",
        HelpName = "APP_TARBALL",
        AllowMultipleArgumentsPerToken = true,
    };

    public void AddTo(RootCommand root) => root.Options.Add(_install);

    public async Task<int?> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        if (parse.GetValue(_install) is not { Length: > 0 } tarballs)
        {
            return null;
        }

        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        // The daemon owns the apps and the installed-apps record: an install behind its back would be recorded as
        // current yet never run (and could race the daemon's own OTA install). As gwe -o does, refuse.
        var home = HomeOption.Resolve(parse);
        if (await Daemon.GweDaemon.DaemonAnswersAsync(home, cancellationToken))
        {
            await error.WriteLineAsync(
                $"gwe: --install-apps cannot run: the gwe daemon is running (it answers on {home.Socket}); install over the air (engine_fetch) or stop the daemon first");
            return 1;
        }

        HostingConfig hosting;
        try
        {
            hosting = await Daemon.GweDaemon.PrepareAsync(home, error);
            // AddEngine falls back to the defaults on a bad file; an install must not run past a bad limit or timeout.
            _ = EngineConfigFile.Load(home.EngineConf).TryRead(out var problem) ?? throw new Daemon.DaemonStartException(problem!);
        }
        catch (Exception ex) when (ex is Daemon.DaemonStartException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"gwe: --install-apps cannot run: {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }

        // The daemon's own supervisor and pipeline (engine.conf's process_manager), as gwe -o builds them.
        var services = new ServiceCollection();
        services.AddLogging();
        Daemon.GweDaemon.AddSupervisor(services, home, hosting, TimeProvider.System);
        services.AddEngine(new EngineOptions { Home = home });
        await using var provider = services.BuildServiceProvider();
        if (provider.GetRequiredService<ISupervisor>() is SupervisordBackend supervisord
            && await supervisord.ConnectAsync(cancellationToken) is { } silent)
        {
            await error.WriteLineAsync($"gwe: --install-apps cannot run: {silent}");
            return 1;
        }

        var pipeline = provider.GetRequiredService<InstallPipeline>();
        var failed = 0;
        foreach (var tarball in tarballs)
        {
            AppOperationResult result;
            try
            {
                result = await pipeline.InstallAsync(Path.GetFullPath(tarball), null, null, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or XmlRpcFault)
            {
                // supervisord went away mid-install; the journal makes the daemon's next start undo what was begun.
                await error.WriteLineAsync($"gwe: --install-apps: {tarball}: supervisord failed: {ex.Message.ReplaceLineEndings(" ")}");
                return 1;
            }

            var line = $"{tarball}: {result.Status}{(result.Reason is null ? string.Empty : ": " + result.Reason)}";
            if (result.Status == Protocol.Reports.FetchStatuses.Installed)
            {
                await output.WriteLineAsync(line);
            }
            else
            {
                failed++;
                await error.WriteLineAsync(line);
            }

            if (result.Output is { Length: > 0 } text)
            {
                await output.WriteAsync(text);
            }
        }

        return failed == 0 ? 0 : 1;
    }
}
