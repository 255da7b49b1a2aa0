using System.Runtime.Versioning;
using Outpost.Device;
using Outpost.Gateway.Apps;
using Outpost.Protocol.Reports;

namespace Outpost.Gateway.Engine;

/// <summary>
/// One check-in of the engine, for <c>gwe -o/--once</c>: the daemon's steps run once, in order, by the same services
/// (<see cref="EngineStartup"/>, <see cref="ActivationService"/>, <see cref="ReportService"/>, <see cref="FetchService"/>),
/// so a cron job or a person gets exactly what the daemon would do in one round, then gwe exits.
/// </summary>
/// <remarks>
/// <code>
///  1. start-up: engine.conf, identity, device client; finish or undo an interrupted install; register the apps
///  2. activate once when Gateway.cfg has no CIK (refused or unreachable → EngineCycleException, nothing reported)
///  3. first start only: install apps_to_install/
///  4. device_info, engine_report, usage_report
///  5. the pending engine_fetch command, if it was not handled before (its fetch_status written)
///  6. the fetch_status values queued by 1 and 3; when 3 or 5 changed anything, the reports again (they show it)
/// </code>
/// What is printed is returned as lines; failures of the cloud (after the device client's retries) are thrown.
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal sealed class EngineCycle(
    EngineOptions options,
    EngineState state,
    EngineStartup startup,
    ActivationService activation,
    ReportService reports,
    FetchService fetch)
{
    /// <summary>Runs the cycle and returns one line per thing done, for a person.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken cancellationToken)
    {
        var done = new List<string>();
        await startup.StartAsync(cancellationToken);
        foreach (var recovered in state.PendingStatus)
        {
            done.Add(Line("recovered", recovered));
        }

        if (!state.IsActivated)
        {
            ActivationResult result;
            try
            {
                result = await activation.TryActivateAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is DeviceApiException or HttpRequestException or IOException)
            {
                throw new EngineCycleException($"activation failed: {ex.Message.ReplaceLineEndings(" ")}", ex);
            }

            if (!result.Activated)
            {
                throw new EngineCycleException(result.Status switch
                {
                    ActivationStatus.AlreadyActivated => $"activation refused: serial {state.Serial} is already activated (or disabled); set its CIK with gwe --set-cik, or have it re-enabled for activation in the cloud",
                    _ => $"activation refused: the cloud does not know product {state.Identity.Model} or does not allow serial {state.Serial}",
                });
            }

            done.Add($"activated as {state.Serial}; CIK saved to {options.Home.GatewayCfg}");
        }

        var changed = false;
        if (options.InstallAppsToInstall)
        {
            foreach (var bundled in await fetch.InstallBundledAsync(cancellationToken))
            {
                done.Add(Line("apps_to_install", bundled));
                changed = true;
            }
        }

        await reports.SendAsync(cancellationToken);
        done.Add("device_info, engine_report, usage_report written");

        var handled = await fetch.HandlePendingAsync(cancellationToken);
        foreach (var status in handled)
        {
            done.Add(Line("engine_fetch", status));
        }

        if (handled.Count == 0)
        {
            done.Add("engine_fetch: no new command");
        }

        await fetch.FlushPendingAsync(cancellationToken);
        if (changed || handled.Count > 0)
        {
            await reports.SendAsync(cancellationToken);
            done.Add("engine_report, usage_report written again (after the changes)");
        }

        return done;
    }

    private static string Line(string source, FetchStatus status)
    {
        var what = string.Join(' ', new[] { status.Command, status.Name }.Where(s => !string.IsNullOrEmpty(s)));
        var app = status.App is null ? string.Empty : $" ({status.App}{(status.Version is null ? string.Empty : " " + status.Version)})";
        var reason = status.Reason is null ? string.Empty : $": {status.Reason}";
        return $"{source}: {(what.Length == 0 ? "command" : what)}{app} → {status.Status}{reason}";
    }
}
