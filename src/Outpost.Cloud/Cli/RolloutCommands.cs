using System.CommandLine;
using Outpost.Cloud.Management.Contracts;
using Spectre.Console;

namespace Outpost.Cloud.Cli;

/// <summary><c>outpost rollout …</c>: staged, health-gated OTA rollouts (create, list, status with --watch, actions).</summary>
internal static class RolloutCommands
{
    private static readonly string[] Final = ["succeeded", "aborted", "rolled_back", "cancelled"];

    public static Command Create() => CliActions.Group("rollout", "Roll an app out to a fleet in health-gated waves",
        CreateCommand(), ListCommand(), StatusCommand(),
        ActionCommand("pause", "Pause: no new device is commanded"), ActionCommand("resume", "Resume a paused rollout"),
        ActionCommand("approve", "Open the next wave (with --approve-between-waves)"),
        ActionCommand("abort", "Abort, rolling updated devices back (unless created with --no-rollback)"),
        ActionCommand("cancel", "Stop commanding devices; updated devices keep the new version"));

    private static Command CreateCommand()
    {
        var pid = new Argument<string>("PID") { Description = "The product" };
        var artifact = new Option<string>("--artifact") { Description = "A content id NAME.vVERSION.tar.gz (its sha256 is pinned now)", Required = true };
        var target = new Option<string?>("--target") { Description = "Tag selector, e.g. site=north,hw=v2 (default: all devices)" };
        var serials = new Option<FileInfo?>("--serials") { Description = "A file of serials, one per line" };
        var waves = new Option<string>("--waves") { Description = "Cumulative counts or percentages", DefaultValueFactory = _ => "1,10%,100%" };
        var soak = new Option<string>("--soak") { Description = "How long a device must run the new version without a restart", DefaultValueFactory = _ => "5m" };
        var pauseAt = new Option<string>("--pause-at") { Description = "Failed share of a wave that pauses the rollout: 5% or 0.05 (0.5 is 50%)", DefaultValueFactory = _ => "5%" };
        var abortAt = new Option<string>("--abort-at") { Description = "Share of a wave left on the bad version that aborts it: 20% or 0.2", DefaultValueFactory = _ => "20%" };
        var timeout = new Option<string>("--timeout") { Description = "Per-device time to succeed", DefaultValueFactory = _ => "30m" };
        var maxInFlight = new Option<int?>("--max-in-flight") { Description = "Devices commanded at once, 1-1000000" }.Between(1, 1_000_000);
        var noRollback = new Option<bool>("--no-rollback") { Description = "On abort, leave updated devices as they are" };
        var approve = new Option<bool>("--approve-between-waves") { Description = "Wait for 'outpost rollout approve' before each next wave" };
        var skipStaging = new Option<string?>("--skip-staging") { Description = "Skip the staging gate, with a reason (audited)" };
        var command = new Command("create", "Start a rollout")
        {
            pid, artifact, target, serials, waves, soak, pauseAt, abortAt, timeout, maxInFlight, noRollback, approve, skipStaging,
        };
        command.SetApiAction(async (parse, session, ct) =>
        {
            Dictionary<string, string>? tags = null;
            if (parse.GetValue(target) is { } selector)
            {
                tags = selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(t => CliActions.KeyValue(t, "target")).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            }

            List<string>? serialList = null;
            if (parse.GetValue(serials) is { } file)
            {
                if (!file.Exists)
                {
                    throw new CliError($"serial file {file.FullName} does not exist", ExitCodes.Usage);
                }

                serialList = (await File.ReadAllLinesAsync(file.FullName, ct)).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
                if (serialList.Count == 0)
                {
                    // Sent as an empty list the API refuses it too; said here in the terms the person used.
                    throw new CliError($"serial file {file.FullName} has no serials", ExitCodes.Usage);
                }
            }

            var request = new CreateRolloutRequest(parse.GetValue(artifact), tags, serialList, parse.GetValue(waves), parse.GetValue(soak),
                parse.GetValue(pauseAt), parse.GetValue(abortAt), parse.GetValue(timeout), parse.GetValue(maxInFlight),
                !parse.GetValue(noRollback), parse.GetValue(approve), parse.GetValue(skipStaging));
            var reply = await session.Client.CreateRolloutAsync(parse.GetValue(pid)!, request, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            var devices = reply.Value.States.Values.Sum();
            await Console.Error.WriteLineAsync($"rollout of {reply.Value.Artifact} to {devices} device{(devices == 1 ? "" : "s")} started; follow it with: outpost rollout status {reply.Value.Id} --watch");
            session.Output.Line(reply.Value.Id);
        });
        return command;
    }

    private static Command ListCommand()
    {
        var pid = new Argument<string>("PID") { Description = "The product" };
        var command = new Command("list", "List a product's rollouts") { pid };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.ListRolloutsAsync(parse.GetValue(pid)!, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            session.Output.Table(["ID", "ARTIFACT", "STATUS", "WAVE", "DEVICES", "SUCCEEDED", "FAILED", "CREATED"],
                reply.Value.Select(r => new[]
                {
                    r.Id, r.Artifact, r.Status, $"{r.Wave}/{r.WaveCount}", r.States.Values.Sum().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Count(r, "succeeded"), (r.States.GetValueOrDefault("failed") + r.States.GetValueOrDefault("timed_out")).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Output.Time(r.Created),
                }));
        });
        return command;
    }

    private static Command StatusCommand()
    {
        var id = new Argument<string>("ID") { Description = "The rollout (ro_…)" };
        var watch = new Option<bool>("--watch") { Description = "Follow it live until it finishes" };
        var command = new Command("status", "Show a rollout's progress per wave") { id, watch };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.GetRolloutAsync(parse.GetValue(id)!, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            if (!parse.GetValue(watch) || !AnsiConsole.Profile.Capabilities.Interactive)
            {
                Render(reply.Value, session.Output);
                while (parse.GetValue(watch) && !Final.Contains(reply.Value.Status))
                {
                    // Not a terminal: one summary line every few seconds instead of a live display.
                    await Task.Delay(TimeSpan.FromSeconds(5), ct);
                    reply = await session.Client.GetRolloutAsync(parse.GetValue(id)!, ct);
                    session.Output.Line($"{reply.Value.Status} wave {reply.Value.Wave}/{reply.Value.WaveCount}: {string.Join(", ", reply.Value.States.Select(s => $"{s.Key} {s.Value}"))}");
                }

                return;
            }

            await AnsiConsole.Live(Table(reply.Value)).StartAsync(async live =>
            {
                while (!Final.Contains(reply.Value.Status))
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                    reply = await session.Client.GetRolloutAsync(parse.GetValue(id)!, ct);
                    live.UpdateTarget(Table(reply.Value));
                }
            });
        });
        return command;
    }

    private static Command ActionCommand(string action, string description)
    {
        var id = new Argument<string>("ID") { Description = "The rollout (ro_…)" };
        var reason = new Option<string?>("--reason") { Description = "Why (kept in the audit log)" };
        var command = new Command(action, description) { id, reason };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.ActOnRolloutAsync(parse.GetValue(id)!, action, parse.GetValue(reason), ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            session.Output.Line($"{reply.Value.Id}: {reply.Value.Status}");
        });
        return command;
    }

    private static void Render(RolloutDto r, Output output)
    {
        output.Fields(
        [
            ("rollout", r.Id), ("artifact", $"{r.Artifact} ({r.Sha256[..12]}…)"), ("target", r.Target), ("status", r.Status),
            ("wave", $"{r.Wave}/{r.WaveCount} ({r.Waves})"), ("reason", r.Reason ?? "-"),
            ("soak / timeout", $"{r.Soak} / {r.Timeout}"), ("pause / abort at", $"{r.PauseAt:P0} / {r.AbortAt:P0}"),
        ]);
        output.Table(["WAVE", "DEVICES", "PENDING", "IN FLIGHT", "SUCCEEDED", "FAILED", "TIMED OUT", "NOT REACHED", "ROLLED BACK", "STOPPED"],
            r.PerWave.Select(w => new[]
            {
                w.Wave.ToString(System.Globalization.CultureInfo.InvariantCulture), w.Devices.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Get(w.States, "pending"), InFlight(w.States).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Get(w.States, "succeeded"), Get(w.States, "failed"), Get(w.States, "timed_out"), Get(w.States, "not_reached"), Get(w.States, "rolled_back"), Get(w.States, "stopped"),
            }));
    }

    /// <summary>The live view: one progress bar per wave, coloured by device state.</summary>
    private static Table Table(RolloutDto r)
    {
        var table = new Table().Title($"{r.Id}  {r.Artifact}  [bold]{r.Status}[/]  wave {r.Wave}/{r.WaveCount}" + (r.Reason is null ? "" : $"\n{Markup.Escape(r.Reason)}"));
        table.AddColumns("WAVE", "PROGRESS", "OK", "FAILED", "IN FLIGHT", "PENDING");
        foreach (var w in r.PerWave)
        {
            var ok = w.States.GetValueOrDefault("succeeded");
            var bad = w.States.GetValueOrDefault("failed") + w.States.GetValueOrDefault("timed_out");
            var flight = InFlight(w.States);
            var unreached = w.States.GetValueOrDefault("not_reached");
            var chart = new BreakdownChart().Width(30).HideTags()
                .AddItem("ok", ok, Color.Green).AddItem("failed", bad, Color.Red).AddItem("in flight", flight, Color.Yellow)
                .AddItem("not reached", unreached, Color.Blue).AddItem("pending", Math.Max(0, w.Devices - ok - bad - flight - unreached), Color.Grey);
            table.AddRow(new Markup(w.Wave.ToString(System.Globalization.CultureInfo.InvariantCulture)), chart,
                new Markup(ok.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Markup(bad.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Markup(flight.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Markup(Get(w.States, "pending")));
        }

        return table;
    }

    /// <summary>Devices being worked on: commanded, installing, soaking — or being rolled back, which otherwise no
    /// column would show while an aborted rollout waits for its devices to confirm their previous version.</summary>
    private static int InFlight(IReadOnlyDictionary<string, int> states) =>
        states.GetValueOrDefault("commanded") + states.GetValueOrDefault("installing") + states.GetValueOrDefault("soaking")
        + states.GetValueOrDefault("rolling_back");

    private static string Get(IReadOnlyDictionary<string, int> states, string key) =>
        states.GetValueOrDefault(key).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Count(RolloutDto r, string key) => Get(r.States, key);
}
