using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using Outpost.Gateway.Supervisor;
using Outpost.Gateway.Supervisor.Config;
using Outpost.Protocol.Reports;
using Outpost.Protocol.Tarballs;

namespace Outpost.Gateway.Apps;

/// <summary>
/// The OTA install pipeline (issue 6): installs, rolls back and uninstalls apps so that a failure at any step, or a
/// <c>kill -9</c> at any moment, leaves the previous version running. Called by the engine's command runner
/// (engine_fetch), by <c>gwe -I</c>, and at start-up (<see cref="RecoverAsync"/>, then <c>apps_to_install</c>).
/// </summary>
/// <remarks>
/// Install:
/// <code>
///  1. check the tarball (name, layout, hostile content) and its sha256 when the command pinned one
///  2. journal "install NAME VERSION" (atomic file) — from here a restart undoes the attempt
///  3. extract into a fresh slot apps/NAME/VERSION (atomic rename of a temp dir)
///  4. supervisor.conf → merged [program:NAME] (seed defaults) written to the slot as .gwe-program.conf
///  5. run install.sh in it (own process group, journalled) with a timeout, capturing the last 16 KiB of output
///  6. stop the previous program, add the new one, start it and wait until it stayed up startsecs (RUNNING)
///  7. commit: the installed-apps record says current = new, previous = old (the rollback target); end the journal
///  any failure in 3–6: remove the new program, restart the previous one, delete the new slot, end the journal
/// </code>
/// Only one change runs at a time. The record is the commit point: at start-up a journal whose version the record
/// already shows as current was finished; any other journal is undone (an install.sh still running from before the
/// crash is killed first, then the new slot removed and the current version registered again).
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal sealed class InstallPipeline(AppsOptions options, AppInventory inventory, ISupervisor supervisor, TimeProvider time, ILogger<InstallPipeline> logger)
{
    /// <summary>The merged program of a supervised version, written into its slot.</summary>
    public const string ProgramFileName = ".gwe-program.conf";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly InstallScriptRunner _runner = new(time);

    /// <summary>The installed-apps record.</summary>
    public AppInventory Inventory => inventory;

    /// <summary>Installs the tarball at <paramref name="tarballPath"/> (its file name must be NAME.vVERSION.tar.gz).</summary>
    public async Task<AppOperationResult> InstallAsync(string tarballPath, string? expectedSha256, string? commandId, CancellationToken cancellationToken)
    {
        var fileName = Path.GetFileName(tarballPath);
        if (!TarballName.TryParse(fileName, out var name, out var nameError))
        {
            return AppOperationResult.Rejected(null, nameError);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await InstallLockedAsync(tarballPath, name, expectedSha256, commandId, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Goes back to the previous installed version of <paramref name="app"/>.</summary>
    public async Task<AppOperationResult> RollbackAsync(string app, string? commandId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (inventory.Find(app) is not { } installed)
            {
                return AppOperationResult.Rejected(app, $"{app} is not installed");
            }

            if (installed.Previous is not { } previous)
            {
                return AppOperationResult.Rejected(app, $"{app} has no previous version to roll back to");
            }

            await inventory.BeginAsync(new JournalEntry("rollback", app, previous.Version, previous.Slot, false, commandId, app, previous.Sha256, time.GetUtcNow()), cancellationToken);
            var stopped = await UnregisterAsync(app, installed.Current, cancellationToken);
            var started = await RegisterAsync(app, previous, waitForRunning: true, cancellationToken);
            if (started is not null)
            {
                await UnregisterAsync(app, previous, cancellationToken);
                if (stopped)
                {
                    await RestoreAsync(app, installed.Current, cancellationToken);
                }

                inventory.End();
                return new AppOperationResult(FetchStatuses.Failed, app, previous.Version, $"{app} {previous.Version} did not start: {started}; {installed.Current.Version} is running again");
            }

            await inventory.SetAsync(app, new InstalledApp(app, previous with { InstalledAt = time.GetUtcNow() }, installed.Current), cancellationToken);
            inventory.End();
            logger.Restored(app, previous.Version);
            return new AppOperationResult(FetchStatuses.RolledBack, app, previous.Version, Sha256: previous.Sha256);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops and removes <paramref name="app"/> and every slot of it.</summary>
    public async Task<AppOperationResult> UninstallAsync(string app, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (inventory.Find(app) is not { } installed)
            {
                return AppOperationResult.Rejected(app, $"{app} is not installed");
            }

            await UnregisterAsync(app, installed.Current, cancellationToken);
            // Record first: a crash before the delete leaves an unreferenced directory, never a record without files.
            await inventory.SetAsync(app, null, cancellationToken);
            DeleteDirectory(Path.Join(options.AppsDirectory, app));
            logger.Uninstalled(app);
            return new AppOperationResult(FetchStatuses.Uninstalled, app, installed.Current.Version);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// At start-up: finishes or undoes a change a crash interrupted (returning what happened, for fetch_status), sweeps
    /// half-extracted slots, and registers every current supervised app with the supervisor (autostart ones start).
    /// </summary>
    public async Task<(AppOperationResult? Recovered, JournalEntry? Journal)> RecoverAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            AppOperationResult? recovered = null;
            var journal = inventory.ReadJournal();
            if (journal is not null)
            {
                var current = inventory.Find(journal.App)?.Current;
                if (current?.Version == journal.Version)
                {
                    recovered = new AppOperationResult(
                        journal.Operation == "rollback" ? FetchStatuses.RolledBack : FetchStatuses.Installed,
                        journal.App, journal.Version, $"gwe restarted after the {journal.Operation} was committed; finished", Sha256: journal.Sha256);
                }
                else
                {
                    // An install.sh orphaned by the kill must not go on changing the gateway after the undo.
                    foreach (var group in InstallScriptGroup.KillAllLeft(journal.App, journal.Version, options.Home))
                    {
                        logger.ScriptGroupKilled(journal.App, journal.Version, group);
                    }

                    if (journal.NewSlot && current?.Slot != journal.Slot)
                    {
                        DeleteSlot(journal.Slot);
                    }

                    var reason = $"gwe restarted during the {journal.Operation} of {journal.App} {journal.Version}; undone"
                        + (current is null ? string.Empty : $", {current.Version} is current");
                    recovered = new AppOperationResult(current is null ? FetchStatuses.Failed : FetchStatuses.RolledBack, journal.App, journal.Version, reason, Sha256: journal.Sha256);
                }

                logger.Recovered(journal.Operation, journal.App, journal.Version, recovered.Reason!);
                inventory.End();
            }

            if (Directory.Exists(options.AppsDirectory))
            {
                foreach (var appDirectory in Directory.GetDirectories(options.AppsDirectory))
                {
                    TarballExtractor.RemoveLeftovers(appDirectory);
                }
            }

            foreach (var app in inventory.Apps)
            {
                await RegisterAsync(app.Name, app.Current, waitForRunning: false, cancellationToken);
            }

            return (recovered, journal);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The programs of the current supervised versions as <see cref="RecoverAsync"/> registers them (added stopped; the
    /// autostart ones are started after). The daemon loads them with conf.d, so a supervisord that kept them running
    /// across a gwe restart finds the same program files and keeps them running. An unreadable one is left out here and
    /// reported by <see cref="RecoverAsync"/>.
    /// </summary>
    public IReadOnlyList<ProgramConfig> RegisteredPrograms() =>
        [.. inventory.Apps
            .Where(app => app.Current.Supervised)
            .Select(app => ReadProgram(app.Name, app.Current.Slot, app.Current.AppDirectory, warn: false).Config)
            .OfType<ProgramConfig>()
            .Select(config => config with { AutoStart = false })];

    private async Task<AppOperationResult> InstallLockedAsync(string tarballPath, TarballName name, string? expectedSha256, string? commandId, CancellationToken cancellationToken)
    {
        var app = name.Name;
        var version = name.Version;
        logger.Installing(app, version, tarballPath);
        var check = await new TarballChecker(options.Limits).CheckFileAsync(tarballPath, cancellationToken);
        if (!check.Passed)
        {
            return Fail(new AppOperationResult(FetchStatuses.Failed, app, version, "tarball check failed: " + string.Join("; ", check.Problems), Sha256: check.Sha256));
        }

        if (expectedSha256 is not null && !string.Equals(check.Sha256, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            return Fail(new AppOperationResult(FetchStatuses.Failed, app, version, $"sha256 mismatch: expected {expectedSha256}, got {check.Sha256}", Sha256: check.Sha256));
        }

        var existing = inventory.Find(app);
        if (existing?.Current.Version == version)
        {
            // Idempotent: a re-sent command (a rollout retrying) must not reinstall over the running version.
            return new AppOperationResult(FetchStatuses.Installed, app, version, $"{app} {version} is already installed", Sha256: existing.Current.Sha256, Unchanged: true);
        }

        // A supervised app takes its name in the supervisor: a program already there that is not this app's (a conf.d
        // program) would be replaced, or stopped and removed when the install fails. Refused before anything runs.
        if (check.SupervisorConfText is not null && existing?.Current.Supervised != true
            && (await supervisor.GetStatusAsync(cancellationToken)).Any(program => program.Name == app))
        {
            return Fail(new AppOperationResult(
                FetchStatuses.Failed, app, version, $"a program named {app} is already supervised and is not this app (conf.d/{app}.conf?); rename or remove it first", Sha256: check.Sha256));
        }

        var slot = TarballExtractor.SlotPath(options.AppsDirectory, name);
        if (existing?.Previous?.Version == version)
        {
            // Re-installing the rollback target: it gets a fresh slot, and there is no rollback target until it commits.
            existing = existing with { Previous = null };
            await inventory.SetAsync(app, existing, cancellationToken);
        }

        DeleteDirectory(slot);
        TarballExtractor.RemoveLeftovers(Path.Join(options.AppsDirectory, app));
        var journal = new JournalEntry("install", app, version, slot, true, commandId, name.FileName, check.Sha256, time.GetUtcNow());
        await inventory.BeginAsync(journal, cancellationToken);

        var extraction = await new TarballExtractor(options.Limits).ExtractFileAsync(tarballPath, slot, cancellationToken);
        if (!extraction.Succeeded)
        {
            return Undo(new AppOperationResult(FetchStatuses.Failed, app, version, "extraction failed: " + string.Join("; ", extraction.Check.Problems), Sha256: check.Sha256), slot);
        }

        // The program is merged and read before install.sh runs: a supervisor.conf gwe would refuse must not leave
        // install.sh's changes behind on a gateway whose install "failed; nothing changed".
        var appDirectory = check.TopFolder is null ? slot : Path.Join(slot, check.TopFolder);
        var supervised = check.SupervisorConfText is not null;
        if (supervised)
        {
            var context = ConfContext.ForFile(Path.Join(appDirectory, "supervisor.conf"));
            if (!SupervisorConfMerge.TryMerge(check.SupervisorConfText!, app, options.LogDirectory, out var merged, out var mergeError, context))
            {
                return Undo(new AppOperationResult(FetchStatuses.Failed, app, version, mergeError, Sha256: check.Sha256), slot);
            }

            var text = merged["directory"] is null ? merged.IniText + $"directory={appDirectory}\n" : merged.IniText;
            await AtomicFile.WriteAsync(Path.Join(slot, ProgramFileName), text, cancellationToken);
            if (ReadProgram(app, slot, appDirectory) is { Error: { } confError })
            {
                return Undo(new AppOperationResult(FetchStatuses.Failed, app, version, confError, Sha256: check.Sha256), slot);
            }
        }

        var script = await _runner.RunAsync(
            Path.Join(slot, check.InstallScriptPath!),
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["APP_NAME"] = app,
                ["APP_VERSION"] = version,
                ["APP_DIR"] = appDirectory,
                ["GWE_HOME"] = options.Home,
            },
            options.InstallTimeout,
            cancellationToken);
        if (!script.Succeeded)
        {
            return Undo(new AppOperationResult(FetchStatuses.Failed, app, version, script.Error, script.ExitCode, script.Output, check.Sha256), slot);
        }

        var installed = new InstalledVersion(version, slot, appDirectory, check.Sha256, time.GetUtcNow(), supervised);
        var previousStopped = existing is not null && await UnregisterAsync(app, existing.Current, cancellationToken);
        if (supervised && await RegisterAsync(app, installed, waitForRunning: true, cancellationToken) is { } startError)
        {
            // Not added (the name was taken meanwhile): what holds the name is not this install's to remove.
            if (!startError.EndsWith("(already added)", StringComparison.Ordinal))
            {
                await UnregisterAsync(app, installed, cancellationToken);
            }

            var restored = previousStopped && await RestoreAsync(app, existing!.Current, cancellationToken);
            var status = existing is not null ? FetchStatuses.RolledBack : FetchStatuses.Failed;
            var reason = $"{app} {version} did not stay up startsecs: {startError}"
                + (existing is null ? string.Empty
                    : restored ? $"; {existing.Current.Version} is running again"
                    : !previousStopped ? $"; {existing.Current.Version} stays installed" // it was not running here (gwe -I without supervisord, a one-off)
                    : $"; {existing.Current.Version} could not be restarted");
            return Undo(new AppOperationResult(status, app, version, reason, script.ExitCode, script.Output, check.Sha256), slot);
        }

        await inventory.SetAsync(app, new InstalledApp(app, installed, existing?.Current), cancellationToken);
        inventory.End();
        if (existing?.Previous is { } dropped && dropped.Slot != slot)
        {
            DeleteDirectory(dropped.Slot);
        }

        logger.Installed(app, version);
        return new AppOperationResult(FetchStatuses.Installed, app, version, null, script.ExitCode, script.Output, check.Sha256);
    }

    private AppOperationResult Fail(AppOperationResult result)
    {
        logger.InstallFailed(result.App ?? "?", result.Version ?? "?", result.Reason ?? string.Empty);
        return result;
    }

    private AppOperationResult Undo(AppOperationResult result, string slot)
    {
        DeleteSlot(slot);
        inventory.End();
        return Fail(result);
    }

    private async Task<bool> RestoreAsync(string app, InstalledVersion version, CancellationToken cancellationToken)
    {
        if (await RegisterAsync(app, version, waitForRunning: true, cancellationToken) is { } error)
        {
            logger.RestoreFailed(app, version.Version, error);
            return false;
        }

        logger.Restored(app, version.Version);
        return true;
    }

    /// <summary>Adds the version's program to the supervisor; starts it when its autostart says so. Returns an error or null.</summary>
    private async Task<string?> RegisterAsync(string app, InstalledVersion version, bool waitForRunning, CancellationToken cancellationToken)
    {
        if (!version.Supervised)
        {
            return null;
        }

        var (config, error) = ReadProgram(app, version.Slot, version.AppDirectory);
        if (config is null)
        {
            logger.RegisterFailed(app, version.Version, error!);
            return error;
        }

        // Added stopped and then started, so the start can be awaited until RUNNING (or its failure). At start-up the
        // daemon has added it already, with conf.d (RegisteredPrograms).
        var added = await supervisor.AddAsync(config with { AutoStart = false }, cancellationToken);
        if (!added.Ok && (waitForRunning || !added.Error!.EndsWith("(already added)", StringComparison.Ordinal)))
        {
            logger.RegisterFailed(app, version.Version, added.Error!);
            return added.Error;
        }

        if (!config.AutoStart)
        {
            return null;
        }

        if (!waitForRunning)
        {
            _ = StartInBackgroundAsync(app, version.Version);
            return null;
        }

        var started = await supervisor.StartAsync(app, cancellationToken);
        return IsUp(started) ? null : started.Error;
    }

    /// <summary>Whether a start left the program running: a supervisord that kept running what an earlier gwe
    /// registered (the same program file) answers "already started".</summary>
    private static bool IsUp(SupervisorResult started) =>
        started.Ok || started.Error!.EndsWith("(already started)", StringComparison.Ordinal);

    private async Task StartInBackgroundAsync(string app, string version)
    {
        var started = await supervisor.StartAsync(app, CancellationToken.None);
        if (!IsUp(started))
        {
            logger.RegisterFailed(app, version, started.Error!);
        }
    }

    /// <summary>Stops and removes the version's program; returns whether there was one.</summary>
    private async Task<bool> UnregisterAsync(string app, InstalledVersion version, CancellationToken cancellationToken)
    {
        if (!version.Supervised)
        {
            return false;
        }

        var removed = await supervisor.RemoveAsync(app, cancellationToken);
        return removed.Ok;
    }

    private (ProgramConfig? Config, string? Error) ReadProgram(string app, string slot, string appDirectory, bool warn = true)
    {
        var path = Path.Join(slot, ProgramFileName);
        if (!File.Exists(path))
        {
            return (null, $"{path} is missing");
        }

        // %(here)s is the app's own directory (where its supervisor.conf was), not the slot's bookkeeping file.
        var context = ConfContext.ForFile(Path.Join(appDirectory, "supervisor.conf"));
        var result = SupervisorConfFile.Read(File.ReadAllText(path), path, context);
        foreach (var warning in warn ? result.Warnings : [])
        {
            logger.ConfWarning(app, warning);
        }

        return result.Error is not null ? (null, result.Error)
            : result.Programs.Count != 1 ? (null, $"{path} holds {result.Programs.Count} programs, not one")
            : (result.Programs[0], null);
    }

    /// <summary>Deletes a slot, and its app's directory when that is left empty (a first install that failed).</summary>
    private void DeleteSlot(string slot)
    {
        DeleteDirectory(slot);
        var appDirectory = Path.GetDirectoryName(slot)!;
        try
        {
            if (Directory.Exists(appDirectory) && !Directory.EnumerateFileSystemEntries(appDirectory).Any())
            {
                Directory.Delete(appDirectory);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.CleanupFailed(appDirectory, ex.Message);
        }
    }

    private void DeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                // Recursive delete unlinks symlinks instead of following them.
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.CleanupFailed(path, ex.Message);
        }
    }
}
