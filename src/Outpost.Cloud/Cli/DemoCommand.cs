using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Outpost.Cloud.Demo;
using Outpost.Cloud.Hosting;
using Outpost.Cloud.Management;
using Outpost.Cloud.Management.Contracts;
using Outpost.Cloud.Simulator;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Reports;

namespace Outpost.Cloud.Cli;

/// <summary>
/// <c>outpost demo</c>: the system's main job in one command, on the embedded SQLite default with nothing to set up.
/// </summary>
/// <remarks>
/// 1. Start the cloud (in this process) with a fresh admin token.
/// 2. Create a production product and its staging copy; upload the example app v2 to both.
/// 3. Start one real <c>gwe</c> (in a temp home) on the staging product — the seed's test gateway — and simulated
///    gateways on both (the fleet simulator, real device API, real gwe report formats).
/// 4. Roll v2 out on staging (the real gwe installs it through its OTA pipeline); when it succeeded, roll it out on
///    production in waves, with live progress.
/// 5. Leave everything running and print the URL and token; Ctrl-C stops it all cleanly (gateways, gwe, cloud).
/// </remarks>
internal static class DemoCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where the cloud listens", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var data = new Option<string?>("--data") { Description = "Data directory (default: a new temporary one)" };
        var gateways = new Option<int>("--gateways") { Description = "Simulated production gateways", DefaultValueFactory = _ => 300 };
        var command = new Command("demo", "Run the whole system locally: cloud, a real gwe and simulated gateways on a staging and a production product, staged rollouts")
        {
            urls, data, gateways,
        };
        command.SetAction((parse, ct) => CliActions.RunAsync(() => RunAsync(parse.GetValue(urls)!, parse.GetValue(data), parse.GetValue(gateways), ct), ct));
        return command;
    }

    private static async Task RunAsync(string urls, string? dataDirectory, int gatewayCount, CancellationToken ct)
    {
        if (gatewayCount is < 1 or > 20_000)
        {
            throw CliError.Usage("--gateways must be 1-20000");
        }

        if (ServeCommand.UrlsProblem(urls) is { } problem)
        {
            throw CliError.Usage(problem);
        }

        var data = dataDirectory ?? Path.Combine(Path.GetTempPath(), "outpost-demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        var token = TokenSecret.New();
        var options = new CloudOptions { Urls = urls, DataDirectory = Path.GetFullPath(data), AdminToken = token };
        var starting = true;
        // As in serve: while starting, the host's own failure log (a stack trace) is left out; the one line below says it.
        await using var app = CloudHost.Build(options, logging: l => l.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => !starting && level >= LogLevel.Warning));
        try
        {
            await CloudHost.InitializeAsync(app, ct);
            await app.StartAsync(ct);
            starting = false;
        }
        catch (Exception ex)
        {
            // A demo that never started leaves nothing behind: the data directory it made for itself goes (one given
            // with --data is the person's).
            if (dataDirectory is null && Directory.Exists(options.DataDirectory))
            {
                Directory.Delete(options.DataDirectory, recursive: true);
            }

            if (ex is IOException)
            {
                throw CliError.Usage($"cannot listen on {urls}: {ex.Message} (pick another with --urls)");
            }

            throw;
        }

        var server = new Uri(app.Urls.First().TrimEnd('/') + "/");
        Say($"cloud listening on {server} (data: {options.DataDirectory})");
        var connection = new CliConnection(server, token);
        using var management = new ManagementClient(connection);

        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var prod = "demoprod" + suffix;
        var staging = "demostag" + suffix;
        await management.CreateProductAsync(new CreateProductRequest("Demo fleet", prod, "gateway"), ct);
        await management.CloneProductAsync(prod, new CloneProductRequest(staging, "Demo fleet (staging)", prod), ct);
        var tarball = ExampleApp.Build("2");
        var sha = Convert.ToHexStringLower(SHA256.HashData(tarball));
        foreach (var pid in new[] { prod, staging })
        {
            using var body = new ByteArrayContent(tarball);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
            await management.UploadContentAsync(pid, "test_app.v2.tar.gz", body, sha, "demo build", ct);
        }

        Say($"products: {prod} (production), {staging} (its staging copy); content: test_app.v2.tar.gz ({sha[..12]}…)");

        // The seed's test gateway: a real gwe on the staging copy, installing through its own OTA pipeline.
        var realSerial = "gwe-" + suffix;
        await management.AddDevicesAsync(staging, new AddDevicesRequest(Serial: realSerial, Tags: new Dictionary<string, string> { ["real"] = "true" }), ct);
        LocalGateway gateway;
        try
        {
            gateway = await LocalGateway.StartAsync(server, staging, realSerial, gmqUrl: GmqUrl(), cancellationToken: ct);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FileNotFoundException)
        {
            throw CliError.Usage(ex.Message);
        }

        await using var ownedGateway = gateway;
        Say($"real gwe {realSerial} started on {staging} (pid {gateway.ProcessId}, home {gateway.Home})");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stagingFleet = new FleetSimulator(new SimulatorOptions { ProductId = staging, Count = 5, FailRate = 0, SerialPrefix = "stg-", ReportInterval = TimeSpan.FromSeconds(5) },
            server, management, TimeProvider.System);
        var prodFleet = new FleetSimulator(new SimulatorOptions { ProductId = prod, Count = gatewayCount, FailRate = 0.01, SerialPrefix = "gw-", ReportInterval = TimeSpan.FromSeconds(10) },
            server, management, TimeProvider.System);
        var fleets = Task.WhenAll(stagingFleet.RunAsync(stop.Token), prodFleet.RunAsync(stop.Token));
        while (stagingFleet.Snapshot().Activated < 5 || prodFleet.Snapshot().Activated < gatewayCount
               || await AppOfAsync(management, staging, realSerial, ct) is null)
        {
            if (gateway.HasExited)
            {
                throw CliError.Usage($"the real gwe {realSerial} stopped: {gateway.LastLine}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }

        Say($"{gatewayCount} simulated production gateways, 5 simulated and 1 real staging gateway activated and reporting");
        var refused = await TryCreateAsync(management, prod, ct);
        Say($"production rollout before staging: refused — {refused}");

        var onStaging = await management.CreateRolloutAsync(staging, new CreateRolloutRequest("test_app.v2.tar.gz", Waves: "100%", Soak: "5s"), ct);
        await FollowAsync(management, onStaging.Value.Id, ct);
        Say($"real gwe {realSerial} reports: {await AppOfAsync(management, staging, realSerial, ct) ?? "no test_app"}");
        var onProd = await management.CreateRolloutAsync(prod, new CreateRolloutRequest("test_app.v2.tar.gz", Waves: "1,10%,50%,100%", Soak: "5s", PauseAt: "10%", AbortAt: "30%"), ct);
        await FollowAsync(management, onProd.Value.Id, ct);

        Console.WriteLine();
        Say("the demo keeps running: explore it, then Ctrl-C to stop");
        Console.WriteLine($"  export OUTPOST_SERVER={server.ToString().TrimEnd('/')} OUTPOST_TOKEN={token}");
        var outpost = OutpostCommand();
        Console.WriteLine($"  {outpost} fleet {prod} --limit 10");
        Console.WriteLine($"  {outpost} rollout list {prod}");
        Console.WriteLine($"  {outpost} device list {prod} --limit 10");
        Console.WriteLine($"  {outpost} device read {prod} gw-00001");
        Console.WriteLine($"  {gateway.CommandLine("status")}");
        Console.WriteLine($"  curl -s {server}api/v1/openapi.json | head");
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            Say("stopping: gateways, gwe, then the cloud");
        }

        await stop.CancelAsync();
        try
        {
            await fleets;
        }
        catch (OperationCanceledException)
        {
        }

        var exit = await gateway.StopAsync();
        Say($"real gwe stopped (exit code {exit})");

        await app.StopAsync(CancellationToken.None);
    }

    private static async Task<string> TryCreateAsync(ManagementClient management, string pid, CancellationToken ct)
    {
        try
        {
            await management.CreateRolloutAsync(pid, new CreateRolloutRequest("test_app.v2.tar.gz"), ct);
            return "unexpectedly accepted";
        }
        catch (CliError ex)
        {
            return ex.Message;
        }
    }

    private static async Task FollowAsync(ManagementClient management, string id, CancellationToken ct)
    {
        string[] final = ["succeeded", "aborted", "rolled_back", "cancelled"];
        while (true)
        {
            var r = (await management.GetRolloutAsync(id, ct)).Value;
            var waves = string.Join("  ", r.PerWave.Select(w =>
                string.Create(CultureInfo.InvariantCulture, $"w{w.Wave}:{w.States.GetValueOrDefault("succeeded")}/{w.Devices}")));
            Say($"rollout {r.Id} on {r.ProductId}: {r.Status,-17} {waves}" + (r.Reason is null ? "" : $"  ({r.Reason})"));
            if (final.Contains(r.Status) || r.Status == "paused")
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }
    }

    /// <summary>"test_app v2 RUNNING" from the device's latest engine_report, or null before it reported.</summary>
    private static async Task<string?> AppOfAsync(ManagementClient management, string pid, string serial, CancellationToken ct)
    {
        var latest = (await management.ReadLatestAsync(pid, serial, [GatewayAliases.EngineReport], ct)).Value;
        if (!latest.TryGetValue(GatewayAliases.EngineReport, out var value))
        {
            return null;
        }

        var app = JsonSerializer.Deserialize(value.Value, ReportsJsonContext.Default.EngineReport)?.Find("test_app");
        return app is null ? "engine_report without test_app" : $"test_app v{app.Version} {app.Status}";
    }

    /// <summary>How to run this outpost again from a shell: on a fresh clone it is not on PATH yet.</summary>
    private static string OutpostCommand() =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) != "dotnet"
            ? self
            : $"{LocalGateway.DotnetHost} {Path.Join(AppContext.BaseDirectory, "outpost.dll")}";

    /// <summary>GMQ on its default port when it is free, so the example app's writes reach the cloud; else any port.</summary>
    private static string GmqUrl()
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, 8090);
            probe.Start();
        }
        catch (SocketException)
        {
            return "http://127.0.0.1:0";
        }

        return "http://127.0.0.1:8090";
    }

    private static void Say(string line) => Console.WriteLine($"[demo] {line}");
}
