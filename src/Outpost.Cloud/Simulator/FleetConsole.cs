using System.Globalization;
using Spectre.Console;

namespace Outpost.Cloud.Simulator;

/// <summary>
/// Shows a running fleet: a live Spectre table refreshed every second on a terminal; otherwise (logs, CI) one plain
/// line per interval, which stays readable in a file.
/// </summary>
internal static class FleetConsole
{
    /// <summary>Shows <paramref name="simulator"/> until <paramref name="run"/> ends.</summary>
    public static async Task ShowAsync(FleetSimulator simulator, Task run, bool live, TimeSpan plainEvery, TimeProvider clock)
    {
        if (live)
        {
            await AnsiConsole.Live(Render(simulator.Snapshot())).AutoClear(false).StartAsync(async context =>
            {
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(1), clock));
                    context.UpdateTarget(Render(simulator.Snapshot()));
                }
            });
            return;
        }

        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(plainEvery, clock));
            if (!run.IsCompleted)
            {
                Console.Out.WriteLine(Line(simulator.Snapshot()));
            }
        }
    }

    /// <summary>One line: <c>[12s] 10000 gateways: online 9990 … | apps: test_app v1 RUNNING 9990 | commands 0 …</c>.</summary>
    public static string Line(FleetSnapshot s)
    {
        var phases = string.Join(", ", s.Phases.Where(p => p.Value > 0).OrderBy(p => p.Key).Select(p => FormattableString.Invariant($"{Name(p.Key)} {p.Value}")));
        var apps = string.Join(", ", s.AppStates.OrderByDescending(a => a.Value).Select(a => FormattableString.Invariant($"{a.Key} {a.Value}")));
        var statuses = string.Join(", ", s.Statuses.Select(a => FormattableString.Invariant($"{a.Key} {a.Value}")));
        var all = s.AllActivatedAfter is { } t ? FormattableString.Invariant($" (all after {t.TotalSeconds:0.0}s)") : string.Empty;
        return FormattableString.Invariant(
            $"[{s.Elapsed.TotalSeconds:0}s] {s.Count} gateways, activated {s.Activated}{all}: {phases} | apps: {apps} | commands {s.Commands}{(statuses.Length > 0 ? " (" + statuses + ")" : string.Empty)}, reports {s.Reports}, errors {s.Errors}")
            + (s.LastError is null ? string.Empty : " | last error: " + s.LastError);
    }

    private static Table Render(FleetSnapshot s)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("fleet").AddColumn(new TableColumn("gateways").RightAligned());
        table.Title = new TableTitle(FormattableString.Invariant($"outpost simulate: {s.Count} gateways, {s.Elapsed.TotalSeconds:0}s"));
        foreach (var (phase, n) in s.Phases.Where(p => p.Value > 0).OrderBy(p => p.Key))
        {
            table.AddRow(Name(phase), Number(n));
        }

        table.AddEmptyRow();
        foreach (var (state, n) in s.AppStates.OrderByDescending(a => a.Value))
        {
            var color = state.EndsWith("RUNNING", StringComparison.Ordinal) ? "green" : "red";
            table.AddRow($"[{color}]{Markup.Escape(state)}[/]", Number(n));
        }

        table.AddEmptyRow();
        table.AddRow("activated", Number(s.Activated) + (s.AllActivatedAfter is { } t ? FormattableString.Invariant($" (all in {t.TotalSeconds:0.0}s)") : string.Empty));
        table.AddRow("commands handled", Number(s.Commands));
        foreach (var (status, n) in s.Statuses)
        {
            table.AddRow("  " + Markup.Escape(status), Number(n));
        }

        table.AddRow("reports", Number(s.Reports));
        table.AddRow(s.Errors > 0 ? "[yellow]errors[/]" : "errors", Number(s.Errors));
        if (s.LastError is { } error)
        {
            table.Caption = new TableTitle("last error: " + Markup.Escape(error.Length > 160 ? error[..160] + "…" : error));
        }

        return table;
    }

    private static string Name(GatewayPhase phase) => phase.ToString().ToLowerInvariant();

    private static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
