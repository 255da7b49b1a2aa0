using System.CommandLine;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Gateway.Apps;
using Outpost.Gateway.Engine;
using Outpost.Gateway.Supervisor;

namespace Outpost.Gateway.Cli;

/// <summary>
/// <c>-I/--install-apps TARBALL…</c>: the OTA pipeline run locally (check, slot, install.sh, supervisor.conf, start and
/// wait RUNNING, commit; rollback on failure). Apps are proven to start here and then stopped when this command exits;
/// the daemon starts every installed app on its next start. One line per tarball; exit 1 if any failed. Refused while a
/// daemon answers on the home's control socket.
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

        var config = EngineConfigFile.Load(home.EngineConf).TryRead(out var problem);
        if (config is null)
        {
            await error.WriteLineAsync($"gwe: {problem}");
            return 1;
        }

        var apps = home.Apps(config);
        await using var supervisor = new ProcessSupervisor(new SupervisorOptions { LogDirectory = apps.LogDirectory }, TimeProvider.System, NullLogger<ProcessSupervisor>.Instance);
        var pipeline = new InstallPipeline(apps, new AppInventory(apps.StateDirectory), supervisor, TimeProvider.System, NullLogger<InstallPipeline>.Instance);
        var failed = 0;
        foreach (var tarball in tarballs)
        {
            var result = await pipeline.InstallAsync(Path.GetFullPath(tarball), null, null, cancellationToken);
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
