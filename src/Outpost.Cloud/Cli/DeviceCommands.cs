using System.CommandLine;
using System.Text.Json;
using Outpost.Cloud.Management.Contracts;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Commands;

namespace Outpost.Cloud.Cli;

/// <summary>
/// <c>outpost device …</c>: the devices of a product (add, list, show, tag, disable, enable, delete) and their
/// values (write an alias — the command &amp; control path a gateway's long poll sees — and read latest or history).
/// </summary>
internal static class DeviceCommands
{
    public static Command Create() => CliActions.Group("device", "Manage a product's devices and their values",
        AddCommand(), ListCommand(), ShowCommand(), TagCommand(),
        StateCommand("disable", "Disable a device: its CIK stops working", enabled: false),
        StateCommand("enable", "Re-enable a device: it may activate again, its old CIK stays void", enabled: true),
        DeleteCommand(), WriteCommand(), ReadCommand());

    private static Command AddCommand()
    {
        var pid = ProductCommands.PidArgument();
        var serials = new Argument<string[]>("SN") { Description = "Serial numbers", Arity = ArgumentArity.ZeroOrMore };
        var file = new Option<string>("--file", "-f") { Description = "Also add the serials in this file: one per line, # comments and blank lines ignored ('-' reads stdin)" };
        var tags = new Option<string[]>("--tag") { Description = "Tag the new devices: key=value (repeatable)" };
        var command = new Command("add", "Add serial numbers to a product's allowlist") { pid, serials, file, tags };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var all = new List<string>(parse.GetValue(serials) ?? []);
            if (parse.GetValue(file) is { } path)
            {
                all.AddRange(await ReadSerialsAsync(path, ct));
            }

            if (all.Count == 0)
            {
                throw CliError.Usage("give serial numbers as arguments or with --file");
            }

            var tagMap = Tags(parse.GetValue(tags));
            var reply = await session.Client.AddDevicesAsync(parse.GetValue(pid)!, new AddDevicesRequest(Serials: all, Tags: tagMap.Count > 0 ? tagMap : null), ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
                return;
            }

            session.Output.Line($"added {reply.Value.Added.Count}, already present {reply.Value.Existing.Count}");
        });
        return command;
    }

    /// <summary>The server's page size when <c>--limit</c> is not given.</summary>
    private const int DefaultListLimit = 1000;

    private static Command ListCommand()
    {
        var pid = ProductCommands.PidArgument();
        var status = new Option<string>("--status") { Description = "Only devices in this state" }.OneOf("notactivated", "activated", "disabled");
        var tags = new Option<string[]>("--tag") { Description = "Only devices with this tag: key=value (repeatable; all must match)" };
        var limit = new Option<int?>("--limit") { Description = "At most this many devices, 1-100000 (server default 1000)" }.Between(1, 100_000);
        var after = new Option<string>("--after") { Description = "Only devices whose serial sorts after this one: the next page" };
        var command = new Command("list", "List a product's devices") { pid, status, tags, limit, after };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var filters = (parse.GetValue(tags) ?? []).ToList();
            foreach (var filter in filters)
            {
                CliActions.KeyValue(filter, "tag filter");
            }

            var reply = await session.Client.ListDevicesAsync(parse.GetValue(pid)!, parse.GetValue(status), filters, parse.GetValue(limit), parse.GetValue(after), ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
            }
            else
            {
                session.Output.Table(
                    ["SERIAL", "STATUS", "TAGS", "ACTIVATED", "LAST SEEN"],
                    reply.Value.Select(d => new[] { d.Serial, d.Status, Output.Tags(d.Tags), Output.Time(d.Activated), Output.Time(d.LastSeen) }));
            }

            // A full page may not be all of them: say so (on stderr, so scripts' stdout stays the list) and how to go on.
            if (reply.Value.Count > 0 && reply.Value.Count == (parse.GetValue(limit) ?? DefaultListLimit))
            {
                await Console.Error.WriteLineAsync($"{reply.Value.Count} devices shown, the most one page holds; the next page: --after {reply.Value[^1].Serial}");
            }
        });
        return command;
    }

    private static Command ShowCommand()
    {
        var pid = ProductCommands.PidArgument();
        var serial = SerialArgument();
        var command = new Command("show", "Show a device") { pid, serial };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.GetDeviceAsync(parse.GetValue(pid)!, parse.GetValue(serial)!, ct);
            WriteDevice(session.Output, reply);
        });
        return command;
    }

    private static Command TagCommand()
    {
        var pid = ProductCommands.PidArgument();
        var serial = SerialArgument();
        var set = new Argument<string[]>("TAG") { Description = "Tags to set: key=value", Arity = ArgumentArity.ZeroOrMore };
        var remove = new Option<string[]>("--remove") { Description = "Remove the tag with this key (repeatable)" };
        var command = new Command("tag", "Set or remove a device's tags") { pid, serial, set, remove };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (key, value) in Tags(parse.GetValue(set)))
            {
                changes[key] = value;
            }

            foreach (var key in parse.GetValue(remove) ?? [])
            {
                changes[key] = null;
            }

            if (changes.Count == 0)
            {
                throw CliError.Usage("give tags to set (key=value) or --remove key");
            }

            var reply = await session.Client.UpdateDeviceAsync(parse.GetValue(pid)!, parse.GetValue(serial)!, new UpdateDeviceRequest(changes), ct);
            WriteDevice(session.Output, reply);
        });
        return command;
    }

    private static Command StateCommand(string name, string description, bool enabled)
    {
        var pid = ProductCommands.PidArgument();
        var serial = SerialArgument();
        var command = new Command(name, description) { pid, serial };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var reply = await session.Client.SetDeviceEnabledAsync(parse.GetValue(pid)!, parse.GetValue(serial)!, enabled, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(reply.Json);
            }
            else
            {
                session.Output.Line($"{reply.Value.Serial}: {reply.Value.Status}");
            }
        });
        return command;
    }

    private static Command DeleteCommand()
    {
        var pid = ProductCommands.PidArgument();
        var serial = SerialArgument();
        var command = new Command("delete", "Delete a device and its values") { pid, serial };
        command.SetApiAction(async (parse, session, ct) =>
        {
            await session.Client.DeleteDeviceAsync(parse.GetValue(pid)!, parse.GetValue(serial)!, ct);
            if (!session.Output.Json)
            {
                session.Output.Line($"deleted device {parse.GetValue(serial)}");
            }
        });
        return command;
    }

    private static Command WriteCommand()
    {
        var pid = ProductCommands.PidArgument();
        var serial = SerialArgument();
        var alias = new Argument<string>("ALIAS") { Description = "A settable alias, e.g. engine_fetch" };
        var value = new Argument<string>("VALUE") { Description = "The value, stored as given (JSON stays text: '{\"install\": …}')" };
        var raw = new Option<bool>("--raw") { Description = "Write an engine_fetch value even when gwe would refuse it (it lands in fetch_status as an error)" };
        var command = new Command("write", "Write a value to a device's alias: what the device's long poll receives") { pid, serial, alias, value, raw };
        command.SetApiAction(async (parse, session, ct) =>
        {
            // The device API stores any string in engine_fetch (the seed's format is string); a mistyped command would
            // only come back later as an error in fetch_status, so the CLI refuses it up front.
            if (parse.GetValue(alias) == GatewayAliases.EngineFetch && !parse.GetValue(raw)
                && !EngineCommand.TryParse(parse.GetValue(value)!, out _, out var refusal, out _))
            {
                throw CliError.Usage($"{refusal} (gwe would refuse it; --raw writes it anyway)");
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal) { [parse.GetValue(alias)!] = parse.GetValue(value)! };
            await session.Client.WriteValuesAsync(parse.GetValue(pid)!, parse.GetValue(serial)!, values, ct);
            if (!session.Output.Json)
            {
                session.Output.Line($"wrote {parse.GetValue(alias)}");
            }
        });
        return command;
    }

    private static Command ReadCommand()
    {
        var pid = ProductCommands.PidArgument();
        var serial = SerialArgument();
        var aliases = new Argument<string[]>("ALIAS") { Description = "Aliases to read (default: all); --history reads exactly one", Arity = ArgumentArity.ZeroOrMore };
        var history = new Option<bool>("--history") { Description = "Read the stored history of one alias, newest first" };
        var from = new Option<string>("--from") { Description = "History from this time: ISO-8601, epoch seconds/ms, or relative like -1h (implies --history)" };
        var to = new Option<string>("--to") { Description = "History up to this time (implies --history)" };
        var limit = new Option<int?>("--limit") { Description = "At most this many points, 1-1000000 (implies --history; server default 1000)" }.Between(1, 1_000_000);
        var csv = new Option<bool>("--csv") { Description = "History as CSV: ts,time,value (implies --history)" };
        var command = new Command("read", "Read a device's latest values, or the history of one alias") { pid, serial, aliases, history, from, to, limit, csv };
        command.SetApiAction(async (parse, session, ct) =>
        {
            var product = parse.GetValue(pid)!;
            var sn = parse.GetValue(serial)!;
            var names = parse.GetValue(aliases) ?? [];
            var range = new HistoryRange(parse.GetValue(from), parse.GetValue(to), parse.GetValue(limit));
            var wantsHistory = parse.GetValue(history) || parse.GetValue(csv) || range != new HistoryRange(null, null, null);
            if (!wantsHistory)
            {
                var latest = await session.Client.ReadLatestAsync(product, sn, names, ct);
                if (session.Output.Json)
                {
                    session.Output.WriteJson(latest.Json);
                    return;
                }

                session.Output.Table(["ALIAS", "VALUE", "TIME"], latest.Value.Select(v => new[] { v.Key, v.Value.Value, Output.Time(v.Value.Time) }));
                return;
            }

            if (names.Length != 1)
            {
                throw CliError.Usage("history reads exactly one alias: outpost device read PID SN ALIAS --history");
            }

            // The server's own parser, here first: a time it would refuse is the caller's typo (exit 1), said before any request.
            foreach (var (name, text) in new[] { ("--from", range.From), ("--to", range.To) })
            {
                if (!Management.TimeArgument.TryParse(text, TimeProvider.System, 0, out _))
                {
                    throw CliError.Usage($"{name} '{text}' is not a time: ISO-8601 (2026-11-24T10:00Z), epoch seconds or ms, or relative like -15m, -2h, -7d");
                }
            }

            if (parse.GetValue(csv))
            {
                // The server's CSV as is: ts,time,value with RFC 4180 quoting.
                Console.Out.Write(await session.Client.ReadHistoryCsvAsync(product, sn, names[0], range, ct));
                return;
            }

            var points = await session.Client.ReadHistoryAsync(product, sn, names[0], range, ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(points.Json);
                return;
            }

            session.Output.Table(["TIME", "VALUE"], points.Value.Select(p => new[] { Output.Time(p.Time), p.Value }));
        });
        return command;
    }

    private static void WriteDevice(Output output, ApiReply<DeviceDto> reply)
    {
        if (output.Json)
        {
            output.WriteJson(reply.Json);
            return;
        }

        var d = reply.Value;
        output.Fields(
        [
            ("product", d.ProductId),
            ("serial", d.Serial),
            ("status", d.Status),
            ("tags", Output.Tags(d.Tags)),
            ("metadata", d.Metadata.ValueKind == JsonValueKind.Undefined ? "{}" : d.Metadata.GetRawText()),
            ("created", Output.Time(d.Created)),
            ("activated", Output.Time(d.Activated)),
            ("last seen", Output.Time(d.LastSeen)),
        ]);
    }

    /// <summary>Serials from a file: one per line, surrounding spaces trimmed, blank lines and # comments skipped.</summary>
    private static async Task<List<string>> ReadSerialsAsync(string path, CancellationToken ct)
    {
        string text;
        if (path == "-")
        {
            text = await Console.In.ReadToEndAsync(ct);
        }
        else
        {
            CliActions.RequireFile(path, "serial file");
            text = await File.ReadAllTextAsync(path, ct);
        }

        return text.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();
    }

    private static Dictionary<string, string> Tags(string[]? pairs)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var (key, value) = CliActions.KeyValue(pair, "tag");
            tags[key] = value;
        }

        return tags;
    }

    private static Argument<string> SerialArgument() => new("SN") { Description = "Serial number" };
}
