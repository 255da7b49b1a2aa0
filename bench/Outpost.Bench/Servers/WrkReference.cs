using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Outpost.Bench.Servers;

/// <summary>
/// Runs <c>wrk -t2 -cN --latency</c> (when installed) with a Lua script that sends the same requests the bench's own
/// generator sends, round-robin over the devices' CIKs; parses requests/s, p50/p99 and non-2xx counts.
/// </summary>
internal static partial class WrkReference
{
    public static bool IsInstalled => Tools.Find("wrk") is not null;

    /// <param name="headers">Per-device request headers (one entry per device); the body is the same for all.</param>
    public static async Task<WrkFigures?> RunAsync(
        IPEndPoint endpoint, string method, string path, IReadOnlyList<IReadOnlyDictionary<string, string>> headers, string body,
        int connections, TimeSpan duration, string directory, CancellationToken cancellationToken)
    {
        var wrk = Tools.Find("wrk");
        if (wrk is null)
        {
            return null;
        }

        var script = Path.Combine(directory, $"wrk-{Guid.NewGuid():N}.lua");
        var lua = new StringBuilder();
        lua.Append("local devices = {\n");
        foreach (var set in headers)
        {
            lua.Append("  {");
            foreach (var (name, value) in set)
            {
                lua.Append(CultureInfo.InvariantCulture, $"[\"{name}\"]=\"{value}\",");
            }

            lua.Append("},\n");
        }

        lua.Append(CultureInfo.InvariantCulture, $$"""
            }
            local requests = {}
            local i = 0
            -- Requests are formatted once per thread; request() only picks the next one (cheap, as wrk's own path).
            function init(args)
              for k, h in ipairs(devices) do
                requests[k] = wrk.format("{{method}}", "{{path}}", h, "{{body}}")
              end
            end
            function request()
              i = i % #requests + 1
              return requests[i]
            end
            """);
        await File.WriteAllTextAsync(script, lua.ToString(), cancellationToken);

        var info = new ProcessStartInfo(wrk)
        {
            ArgumentList =
            {
                "-t2", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--latency", "-s", script, $"http://{endpoint}{path}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var text = await output;
        var rate = RequestsPerSecond().Match(text);
        if (!rate.Success)
        {
            throw new InvalidOperationException($"could not read wrk's output:\n{text}\n{await errors}");
        }

        var nonSuccess = NonSuccess().Match(text);
        var errorsLine = SocketErrors().Match(text);
        var failed = (nonSuccess.Success ? long.Parse(nonSuccess.Groups[1].Value, CultureInfo.InvariantCulture) : 0)
            + (errorsLine.Success ? errorsLine.Groups[1].Value.Split(',').Sum(part => long.Parse(Regex.Match(part, @"\d+").Value, CultureInfo.InvariantCulture)) : 0);
        return new WrkFigures(
            double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture),
            LatencyMs(text, "50%"),
            LatencyMs(text, "99%"),
            failed);
    }

    private static double LatencyMs(string text, string percentile)
    {
        var match = Regex.Match(text, $@"^\s*{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success)
        {
            return double.NaN;
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "us" => value / 1000,
            "s" => value * 1000,
            _ => value,
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors:\s+(.*)$", RegexOptions.Multiline)]
    private static partial Regex SocketErrors();
}
