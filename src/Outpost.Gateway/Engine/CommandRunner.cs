using System.Runtime.Versioning;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Outpost.Device;
using Outpost.Gateway.Apps;
using Outpost.Gateway.Supervisor;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Commands;
using Outpost.Protocol.Reports;
using Outpost.Protocol.Tarballs;

namespace Outpost.Gateway.Engine;

/// <summary>
/// Carries out one engine_fetch value and writes one <c>fetch_status</c> per target (issue 6). Called by
/// <see cref="FetchService"/>.
/// </summary>
/// <remarks>
/// <code>
///  1. parse (EngineCommand); unreadable → one fetch_status "rejected" with the reason, nothing changed
///  2. every target of uninstall/start/stop/restart/rollback must be an installed app, else the whole command is rejected
///  3. install: download each tarball from the content area (SDK: resume + sha256) → InstallPipeline → delete download
///     uninstall / rollback: InstallPipeline; start / stop / restart: the supervisor; report: wake the report loop
///  4. write fetch_status, then ask for a report so engine_report shows the new state at once
/// </code>
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal sealed class CommandRunner(EngineState state, InstallPipeline pipeline, ISupervisor supervisor, AppsOptions apps, TimeProvider time, ILogger<CommandRunner> logger)
{
    /// <summary>Runs <paramref name="text"/> and returns the statuses written.</summary>
    public async Task<IReadOnlyList<FetchStatus>> RunAsync(string text, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        logger.CommandReceived(text.Length > 300 ? text[..300] + "…" : text);
        if (!EngineCommand.TryParse(text, out var command, out var error, out var id))
        {
            return [await WriteAsync(new FetchStatus(id, null, null, null, null, FetchStatuses.Rejected, error, null, null, null, started, time.GetUtcNow()), cancellationToken)];
        }

        var verb = EngineCommand.KeyOf(command.Verb);
        if (command.Verb is not (EngineVerb.Install or EngineVerb.Report))
        {
            var unknown = command.Targets.FirstOrDefault(t => pipeline.Inventory.Find(t.Name) is null);
            if (unknown is not null)
            {
                return [await WriteAsync(new FetchStatus(id, verb, unknown.Name, unknown.Name, null, FetchStatuses.Rejected, $"{unknown.Name} is not installed; nothing was changed", null, null, null, started, time.GetUtcNow()), cancellationToken)];
            }
        }

        var written = new List<FetchStatus>();
        if (command.Verb == EngineVerb.Report)
        {
            state.RequestReport();
            written.Add(await WriteAsync(new FetchStatus(id, verb, null, null, null, FetchStatuses.Reported, null, null, null, null, started, time.GetUtcNow()), cancellationToken));
            return written;
        }

        foreach (var target in command.Targets)
        {
            var begun = time.GetUtcNow();
            var result = command.Verb switch
            {
                EngineVerb.Install => await InstallAsync(target, id, cancellationToken),
                EngineVerb.Uninstall => await pipeline.UninstallAsync(target.Name, cancellationToken),
                EngineVerb.Rollback => await pipeline.RollbackAsync(target.Name, id, cancellationToken),
                _ => await ControlAsync(command.Verb, target.Name, cancellationToken),
            };
            written.Add(await WriteAsync(
                new FetchStatus(id, verb, target.Name, result.App, result.Version, result.Status, result.Reason, result.ExitCode, result.Output, result.Sha256, begun, time.GetUtcNow())
                {
                    Unchanged = result.Unchanged ? true : null,
                },
                cancellationToken));
        }

        state.RequestReport();
        return written;
    }

    private async Task<AppOperationResult> InstallAsync(EngineTarget target, string? id, CancellationToken cancellationToken)
    {
        var destination = Path.Join(apps.DownloadDirectory, target.Name);
        try
        {
            await state.Client.DownloadContentAsync(target.Name, destination, null, cancellationToken);
        }
        catch (Exception ex) when (ex is DeviceApiException or HttpRequestException or IOException)
        {
            // The name was checked when the command was parsed: fetch_status names the app and version as for any install.
            var name = TarballName.TryParse(target.Name, out var parsed, out _) ? parsed : null;
            return new AppOperationResult(FetchStatuses.Failed, name?.Name, name?.Version, $"download of {target.Name} failed: {ex.Message.ReplaceLineEndings(" ")}");
        }

        try
        {
            return await pipeline.InstallAsync(destination, target.Sha256, id, cancellationToken);
        }
        finally
        {
            File.Delete(destination);
        }
    }

    private async Task<AppOperationResult> ControlAsync(EngineVerb verb, string app, CancellationToken cancellationToken)
    {
        var installed = pipeline.Inventory.Find(app)!;
        if (!installed.Current.Supervised)
        {
            return AppOperationResult.Rejected(app, $"{app} is a one-off app: nothing runs to {EngineCommand.KeyOf(verb)}");
        }

        var (result, success) = verb switch
        {
            EngineVerb.Start => (await supervisor.StartAsync(app, cancellationToken), FetchStatuses.Started),
            EngineVerb.Stop => (await supervisor.StopAsync(app, cancellationToken), FetchStatuses.Stopped),
            _ => (await supervisor.RestartAsync(app, cancellationToken), FetchStatuses.Restarted),
        };
        // Already as asked (a re-sent command, a rollout retrying): a success that changed nothing, as for the install of
        // the current version.
        // A program in BACKOFF also answers "already started": only one that runs (or is starting) is as asked.
        var already = verb switch
        {
            EngineVerb.Start when result.Error?.EndsWith("(already started)", StringComparison.Ordinal) == true
                && (await supervisor.GetStatusAsync(cancellationToken)).FirstOrDefault(p => p.Name == app)?.State is ProcessState.Running or ProcessState.Starting
                => $"{app} is already running",
            EngineVerb.Stop when result.Error?.EndsWith("(not running)", StringComparison.Ordinal) == true => $"{app} is not running",
            _ => null,
        };
        return already is not null
            ? new AppOperationResult(success, app, installed.Current.Version, already, Unchanged: true)
            : new AppOperationResult(result.Ok ? success : FetchStatuses.Failed, app, installed.Current.Version, result.Error);
    }

    private async Task<FetchStatus> WriteAsync(FetchStatus status, CancellationToken cancellationToken)
    {
        await state.Client.WriteAsync(GatewayAliases.FetchStatus, JsonSerializer.Serialize(status, ReportsJsonContext.Default.FetchStatus), cancellationToken);
        logger.StatusWritten(status.Name ?? "(command)", status.Status);
        return status;
    }
}
