using System.CommandLine;
using System.Globalization;

namespace Outpost.Gdc;

/// <summary><c>gdc wait ALIAS [--timeout S] [--since T]</c>: long poll; prints <c>alias=value</c>, or exits 4 on no change.</summary>
internal static class WaitCommand
{
    public static Command Create(GlobalOptions options)
    {
        var alias = new Argument<string>("ALIAS") { Description = "The alias to wait on" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait (at most 300)", DefaultValueFactory = _ => 30 };
        var since = new Option<string?>("--since") { Description = "Only a value written at or after T (epoch seconds, ISO 8601 or HTTP-date); default: newer than now" };
        var command = new Command("wait", "Wait for a new value of an alias (exit 4 when none came before the timeout)") { alias, timeout, since };
        CommandRunner.SetAction(command, options, async (parse, settings, cancellationToken) =>
        {
            var seconds = parse.GetValue(timeout);
            if (seconds is < 0 or > 300)
            {
                throw new UsageException("--timeout must be 0 to 300 seconds");
            }

            var sinceText = parse.GetValue(since);
            DateTimeOffset? sinceTime = sinceText is null ? null : ParseTime(sinceText);
            var name = parse.GetValue(alias)!;
            using var client = settings.CreateClient();
            ReadCommand.RequireCik(client.Cik);
            var result = await client.WaitAsync(name, TimeSpan.FromSeconds(seconds), sinceTime, cancellationToken);
            if (!result.Changed)
            {
                if (settings.Json)
                {
                    Console.Out.WriteLine(JsonText.Write(w => { w.WriteStartObject(); w.WriteBoolean("changed", false); w.WriteEndObject(); }));
                }

                return ExitCodes.NoChange;
            }

            if (settings.Json)
            {
                Console.Out.WriteLine(JsonText.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("changed", true);
                    w.WriteString("alias", name);
                    w.WriteString("value", result.Value);
                    if (result.Timestamp is { } ts)
                    {
                        w.WriteNumber("timestamp", ts.ToUnixTimeSeconds());
                        w.WriteNumber("next_since", result.NextSince!.Value.ToUnixTimeSeconds());
                    }

                    w.WriteEndObject();
                }));
            }
            else
            {
                Console.Out.WriteLine($"{name}={result.Value}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Epoch seconds, ISO 8601, or an HTTP-date.</summary>
    public static DateTimeOffset ParseTime(string text)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) && epoch <= 253402300799)
        {
            return DateTimeOffset.FromUnixTimeSeconds(epoch);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        throw new UsageException($"'{text}' is not a time (epoch seconds, ISO 8601 or HTTP-date)");
    }
}
