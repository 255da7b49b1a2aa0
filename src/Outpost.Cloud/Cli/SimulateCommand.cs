using System.CommandLine;
using System.Globalization;
using Outpost.Cloud.Simulator;
using Outpost.Protocol.Aliases;

namespace Outpost.Cloud.Cli;

/// <summary>
/// <c>outpost simulate</c>: runs N simulated gateways against a server (see <see cref="FleetSimulator"/>) until Ctrl-C,
/// with a live summary on a terminal and plain lines otherwise.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var product = new Option<string>("--product") { Description = "Product the gateways belong to (its serials are added to it)", Required = true };
        var count = new Option<int>("--count") { Description = "Number of simulated gateways", Required = true };
        var failRate = new Option<double>("--fail-rate") { Description = "Fraction of installs that fail (old version stays)", DefaultValueFactory = _ => 0.05 };
        var crashRate = new Option<double>("--crash-rate") { Description = "Fraction of installed versions that crash-loop (BACKOFF, then FATAL)", DefaultValueFactory = _ => 0.0 };
        var offlineRate = new Option<double>("--offline-rate") { Description = "Fraction of gateways that go silent now and then", DefaultValueFactory = _ => 0.0 };
        var latency = new Option<string>("--latency") { Description = "How long an install takes: MIN..MAX (ms, s, m)", DefaultValueFactory = _ => "50ms..2s" };
        var reportInterval = new Option<string>("--report-interval") { Description = "engine_report and usage_report interval (ms, s, m)", DefaultValueFactory = _ => "10s" };
        var serialPrefix = new Option<string>("--serial-prefix") { Description = "Serials are PREFIX00001…; use a new prefix for each run (a CIK is handed out once)", DefaultValueFactory = _ => "sim-" };
        var app = new Option<string>("--app") { Description = "App every gateway starts with", DefaultValueFactory = _ => "test_app" };
        var appVersion = new Option<string>("--app-version") { Description = "Its version", DefaultValueFactory = _ => "1" };
        var ramp = new Option<string>("--ramp") { Description = "Spread the starts over this long (default: 1 s per 500 gateways)" };
        var seed = new Option<int?>("--seed") { Description = "Seed for the dice, to repeat a run's outcomes" };
        var server = new Option<string>("--server") { Description = $"Server URL (else $OUTPOST_SERVER, the config file, {CliConnection.DefaultServer})" };
        var token = new Option<string>("--token") { Description = "API token (else $OUTPOST_TOKEN, the config file)" };
        var command = new Command("simulate", "Run N simulated gateways against a server: activation, engine_fetch, installs, reports")
        {
            product, count, failRate, crashRate, offlineRate, latency, reportInterval, serialPrefix, app, appVersion, ramp, seed, server, token,
        };
        command.SetAction((parse, ct) => CliActions.RunAsync(async () =>
        {
            if (!LatencyRange.TryParse(parse.GetValue(latency)!, out var latencyRange, out var latencyError))
            {
                throw CliError.Usage(latencyError);
            }

            var options = new SimulatorOptions
            {
                ProductId = parse.GetValue(product)!,
                Count = parse.GetValue(count),
                FailRate = parse.GetValue(failRate),
                CrashRate = parse.GetValue(crashRate),
                OfflineRate = parse.GetValue(offlineRate),
                Latency = latencyRange,
                ReportInterval = Duration(parse.GetValue(reportInterval)!, "--report-interval"),
                SerialPrefix = parse.GetValue(serialPrefix)!,
                App = parse.GetValue(app)!,
                AppVersion = parse.GetValue(appVersion)!,
                Ramp = parse.GetValue(ramp) is { } r ? Duration(r, "--ramp") : null,
                Seed = parse.GetValue(seed),
            };
            if (options.Validate() is { } error)
            {
                throw CliError.Usage(error);
            }

            var connection = CliActions.ResolveConnection(parse);
            if (connection.Token is null)
            {
                throw CliError.Usage("no API token: pass --token, set OUTPOST_TOKEN, or run 'outpost login'");
            }

            using var management = new ManagementClient(connection);

            // Before anything is registered or announced: a product that does not exist, or whose aliases are not the
            // gateway's, would otherwise be one refused write after another for as long as the simulation runs.
            var aliases = (await management.ListAliasesAsync(options.ProductId, ct)).Value;
            var missing = GatewayAliases.All.Select(a => a.Alias).Where(a => aliases.All(r => r.Alias != a)).ToList();
            if (missing.Count > 0)
            {
                throw new CliError($"product {options.ProductId} lacks the gateway alias{(missing.Count == 1 ? "" : "es")} {string.Join(", ", missing)} "
                    + "the simulated gateways use (create it with --template gateway)", ExitCodes.Api);
            }

            var simulator = new FleetSimulator(options, connection.Server, management, TimeProvider.System);
            var live = !Console.IsOutputRedirected && Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive;
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"simulating {options.Count} gateways ({options.Serial(0)}…) in product {options.ProductId} at {connection.ServerText}; Ctrl-C stops"));
            var run = simulator.RunAsync(ct);
            await FleetConsole.ShowAsync(simulator, run, live, TimeSpan.FromSeconds(10), TimeProvider.System);
            try
            {
                await run;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested && simulator.Gateways.Count > 0)
            {
                // Ctrl-C is how a simulation ends: not a failure.
            }

            Console.Out.WriteLine(FleetConsole.Line(simulator.Snapshot()));
        }, ct));
        return command;
    }

    private static TimeSpan Duration(string text, string option) =>
        LatencyRange.TryDuration(text.Trim(), out var duration) ? duration : throw CliError.Usage($"{option} '{text}' must be a duration such as 500ms, 10s or 2m");
}
