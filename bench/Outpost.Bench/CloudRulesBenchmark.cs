using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Outpost.Bench.Http;
using Outpost.Bench.Servers;

namespace Outpost.Bench;

/// <summary>
/// <c>cloud-rules</c>: device write throughput of <c>outpost serve</c> with 1,000 real-time rules on a 10,000-device
/// product against the same server with none, in the same run (target, issue 10: with rules ≥ 0.8 × without).
/// </summary>
/// <remarks>
/// 1. start outpost (fresh data dir): a product with 20 number aliases m00…m19, 10,000 activated devices
/// 2. phase "no rules": N connections write m&lt;k&gt;=&lt;v&gt; round-robin over all devices and aliases (warm-up + window)
/// 3. create 1,000 rules through the API (50 per alias: 49 thresholds with hysteresis and an alert, 1 five-minute
///    average), then phase "1,000 rules" with the same load; values stay at 20 but one write in 500 is a spike
///    to 95, so alerts open and clear all along
/// 4. print how far the rules consumer lagged at the end of the window and how long it took to catch up
/// 5. delete the rules, phase "no rules (after)": the reference is the mean of both rule-less phases
/// </remarks>
internal static class CloudRulesBenchmark
{
    private const string ProductId = "benchrules";
    private const string Path = "/onep:v1/stack/alias";
    private const int Aliases = 20;

    public static async Task<int> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var seconds = args.Int("seconds", 20);
        var warmUp = TimeSpan.FromSeconds(args.Int("warmup", 5));
        var window = TimeSpan.FromSeconds(seconds);
        var connections = args.Int("connections", 64);
        var deviceCount = args.Int("devices", 10_000);
        var ruleCount = args.Int("rules", 1000);
        var directory = args.WorkDirectory();
        try
        {
            Machine.Print(directory, Machine.OutpostStore);
            if (!FileLimits.Check(connections * 4L + 256))
            {
                return 1;
            }

            Console.WriteLine($"cloud-rules: {deviceCount:N0} devices, {ruleCount:N0} rules over {Aliases} aliases, {connections} connections, "
                + $"POST {Path} m<k>=<v>, {warmUp.TotalSeconds:N0} s warm-up + {seconds} s window per phase");
            var data = System.IO.Path.Combine(directory, "outpost-data");
            await using var outpost = await ServerLaunchers.StartOutpostAsync(data, cancellationToken);
            using var http = new HttpClient { BaseAddress = outpost.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServerLaunchers.AdminToken);
            IReadOnlyList<string> ciks;
            var setup = Stopwatch.StartNew();
            using (var admin = new CloudAdmin(outpost.BaseAddress))
            {
                await admin.CreateProductAsync(ProductId, cancellationToken);
                for (var a = 0; a < Aliases; a++)
                {
                    await PostAsync(http, $"api/v1/products/{ProductId}/aliases", $$"""{"alias": "m{{a:D2}}", "format": "number", "settable": false}""", cancellationToken);
                }

                ciks = await admin.ProvisionAsync(ProductId, deviceCount, 16, cancellationToken);
            }

            Console.WriteLine($"setup: product, {Aliases} aliases, {deviceCount:N0} devices activated in {setup.Elapsed.TotalSeconds:N0} s (outpost pid {outpost.Pid})");

            // Requests: connection c's i-th write goes to device (c + i × N) mod devices, alias by sequence; 1 in 500 is a spike.
            var normal = new byte[deviceCount][];
            var spike = new byte[deviceCount][];
            for (var d = 0; d < deviceCount; d++)
            {
                var alias = $"m{d % Aliases:D2}";
                normal[d] = RequestBytes.Post(Path, ciks[d], RequestBytes.Form, alias + "=20");
                spike[d] = RequestBytes.Post(Path, ciks[d], RequestBytes.Form, alias + "=95");
            }

            ReadOnlyMemory<byte> Request(int connection, long seq)
            {
                var device = (int)((connection + (seq * connections)) % deviceCount);
                return (seq + connection) % 500 == 499 ? spike[device] : normal[device];
            }

            Console.WriteLine();
            Console.WriteLine(Phases.Header("writes/s"));
            var before = await Phases.RunAsync(outpost, connections, Request, warmUp, window, cancellationToken);
            Console.WriteLine(Phases.Row(before with { Target = "no rules" }));

            var created = Stopwatch.StartNew();
            var ruleIds = new List<string>();
            for (var r = 0; r < ruleCount; r++)
            {
                var alias = $"m{r % Aliases:D2}";
                var index = r / Aliases;
                var json = index == 0
                    ? $$$"""{"name": "avg-{{{r}}}", "alias": "{{{alias}}}", "op": ">", "value": 80, "window": {"fn": "avg", "minutes": 5}, "actions": [{"alert": {}}]}"""
                    : $$$"""{"name": "hot-{{{r}}}", "alias": "{{{alias}}}", "op": ">", "value": {{{40 + index}}}, "clear_when": {"op": "<", "value": {{{30 + (index / 2)}}}}, "actions": [{"alert": {"severity": "warning"}}]}""";
                using var doc = JsonDocument.Parse(await PostAsync(http, $"api/v1/products/{ProductId}/rules", json, cancellationToken));
                ruleIds.Add(doc.RootElement.GetProperty("id").GetString()!);
            }

            var creation = created.Elapsed;
            var (lagAtStart, _) = Lag(data);
            var during = await Phases.RunAsync(outpost, connections, Request, warmUp, window, cancellationToken);
            Console.WriteLine(Phases.Row(during with { Target = $"{ruleCount:N0} rules" }));
            var (lag, head) = Lag(data);
            var catchUp = Stopwatch.StartNew();
            while (Lag(data).Behind > 0 && catchUp.Elapsed < TimeSpan.FromMinutes(10))
            {
                await Task.Delay(250, cancellationToken);
            }

            var caughtUpIn = catchUp.Elapsed;
            foreach (var id in ruleIds)
            {
                using var response = await http.DeleteAsync($"api/v1/rules/{id}", cancellationToken);
                response.EnsureSuccessStatusCode();
            }

            var after = await Phases.RunAsync(outpost, connections, Request, warmUp, window, cancellationToken);
            Console.WriteLine(Phases.Row(after with { Target = "no rules (2)" }));
            Console.WriteLine();

            var reference = (before.Load.PerSecond + after.Load.PerSecond) / 2;
            var ratio = during.Load.PerSecond / reference;
            Console.WriteLine($"{ruleCount:N0} rules created through the API in {creation.TotalSeconds:N1} s; rules consumer {lagAtStart:N0} events behind before the phase");
            Console.WriteLine($"rules consumer: {lag:N0} events behind the head ({head:N0}) at the end of the window, caught up {caughtUpIn.TotalSeconds:N1} s later"
                + $" -> it evaluates ≈ {(during.Load.Acknowledged + lag - lagAtStart) / Math.Max(0.001, (window + warmUp + caughtUpIn).TotalSeconds):N0} events/s × {ruleCount / Aliases} rules each");
            Console.WriteLine($"alerts opened during the run: {Count(data, "SELECT COUNT(*) FROM alerts"):N0}");
            Console.WriteLine($"with {ruleCount:N0} rules {during.Load.PerSecond:N0} writes/s | without {reference:N0}/s (mean of {before.Load.PerSecond:N0} and {after.Load.PerSecond:N0}) | ratio {ratio:N2} (target ≥ 0.80){(ratio >= 0.8 ? "" : "  BELOW TARGET")}");
            if (new[] { before, during, after }.Any(p => p.Load.Failed > 0))
            {
                Console.WriteLine("WARNING: some requests were not answered 2xx (see 'failed'); they are not counted as writes.");
            }

            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>How many events the rules engine has not applied yet, read from the store (read-only, WAL lets it run beside the server).</summary>
    private static (long Behind, long Head) Lag(string data)
    {
        var head = Count(data, "SELECT COALESCE(MAX(offset_id), 0) FROM events");
        var done = Count(data, "SELECT COALESCE((SELECT offset_id FROM rule_progress WHERE name = 'rules'), 0)", tolerateMissing: true);
        return (head - done, head);
    }

    private static long Count(string data, string sql, bool tolerateMissing = false)
    {
        using var connection = new SqliteConnection($"Data Source={System.IO.Path.Combine(data, "outpost.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        try
        {
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException) when (tolerateMissing)
        {
            return 0; // the rules tables are created on first use
        }
    }

    private static async Task<string> PostAsync(HttpClient http, string path, string json, CancellationToken cancellationToken)
    {
        using var body = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        }

        return text;
    }
}
