using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Outpost.Gateway.Control;
using Outpost.Gateway.Daemon;
using Outpost.Gateway.Engine;
using Outpost.Gateway.Supervisor;

namespace Outpost.Gateway.Cli;

/// <summary>
/// The supervisorctl-style commands that talk to a running daemon over its control socket: <c>gwe status [NAME…]
/// [--json]</c>, <c>gwe start|stop|restart NAME…|all</c>, <c>gwe tail [-f] [-n BYTES] NAME</c>, <c>gwe reread</c>,
/// <c>gwe update</c>. Each prints supervisorctl's lines; an unknown name or a daemon that is not running is one line on
/// stderr and exit 1.
/// </summary>
internal sealed class ControlCommands(Option<string> home) : IFlagGroup
{
    private readonly Argument<string[]> _statusNames = new("NAME") { Arity = ArgumentArity.ZeroOrMore, Description = "Programs to show (default: all)." };
    private readonly Option<bool> _json = new("--json") { Description = "Print the status as JSON." };
    private readonly Option<bool> _follow = new("--follow", "-f") { Description = "Keep printing what the program writes." };
    private readonly Option<long> _bytes = new("--bytes", "-n") { Description = "How many bytes of the log's end to print.", DefaultValueFactory = _ => 1600, HelpName = "BYTES" };
    private readonly Argument<string> _tailName = new("NAME") { Description = "The program whose stdout log to print." };

    public void AddTo(RootCommand root)
    {
        // "gwe status --bogus", "gwe start --all": a mistyped option, not a program to look for ("no such process").
        // Only "--": a conf.d program may, oddly, be named "-x".
        NoOptionLikeNames(_statusNames);
        var status = new Command("status", "Show the state of gwe, GMQ and every hosted app (supervisorctl's layout).") { _statusNames, _json };
        status.SetAction(StatusAsync);
        root.Subcommands.Add(status);

        foreach (var (verb, help) in new[]
        {
            ("start", "Start programs (NAME… or all)."),
            ("stop", "Stop programs (NAME… or all)."),
            ("restart", "Stop, then start programs (NAME… or all)."),
        })
        {
            var names = new Argument<string[]>("NAME") { Arity = ArgumentArity.OneOrMore, Description = "Program names, or all." };
            NoOptionLikeNames(names);
            var command = new Command(verb, help) { names };
            command.SetAction((parse, ct) => ActAsync(parse, verb, parse.GetValue(names) ?? [], ct));
            root.Subcommands.Add(command);
        }

        // The daemon clamps a negative count to 0 and prints nothing: say so instead of succeeding silently.
        // Read from the token: a value that is not a number already has its parse error, and asking the result for
        // its value then throws.
        _bytes.Validators.Add(result =>
        {
            if (result.Tokens is [var token] && long.TryParse(token.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes) && bytes < 0)
            {
                result.AddError("-n/--bytes must be 0 or more");
            }
        });
        var tail = new Command("tail", "Print the end of a program's stdout log.") { _follow, _bytes, _tailName };
        tail.SetAction(TailAsync);
        root.Subcommands.Add(tail);

        var reread = new Command("reread", "Show which conf.d programs were added, changed or removed (nothing is applied).");
        reread.SetAction((parse, ct) => ChangesAsync(parse, "reread", ct));
        root.Subcommands.Add(reread);

        var update = new Command("update", "Apply conf.d: start added programs, restart changed ones, stop removed ones.");
        update.SetAction((parse, ct) => ChangesAsync(parse, "update", ct));
        root.Subcommands.Add(update);
    }

    // Sub-commands carry their own actions; the root's flags are not this concern's.
    public Task<int?> RunAsync(ParseResult parse, CancellationToken cancellationToken) => Task.FromResult<int?>(null);

    private static void NoOptionLikeNames(Argument<string[]> names) =>
        names.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string[]>()?.FirstOrDefault(n => n.StartsWith("--", StringComparison.Ordinal)) is { } option)
            {
                result.AddError($"Unrecognized command or argument '{option}'.");
            }
        });

    private ControlClient Client(ParseResult parse) => new(GweHome.Resolve(parse.GetValue(home)).Socket);

    private async Task<int> StatusAsync(ParseResult parse, CancellationToken cancellationToken) => await GuardAsync(parse, async client =>
    {
        // Everything is asked for and the names picked here, as supervisorctl does: "status sig nosuch" shows sig's
        // line and says nosuch is unknown (exit 1); the API's ?name= would answer only the 404.
        var names = (parse.GetValue(_statusNames) ?? []).Distinct(StringComparer.Ordinal).ToList();
        var (reply, error) = await client.SendAsync(HttpMethod.Get, "v1/status", ControlJsonContext.Default.StatusReply, cancellationToken);
        if (reply is null)
        {
            return await FailAsync(parse, error);
        }

        var byName = reply.Programs.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var unknown = names.Where(n => !byName.ContainsKey(n)).ToList();
        if (names.Count > 0)
        {
            reply = new StatusReply([.. names.Where(byName.ContainsKey).Select(n => byName[n])]);
        }

        var output = parse.InvocationConfiguration.Output;
        if (parse.GetValue(_json))
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(reply, ControlJsonContext.Default.StatusReply));
        }
        else if (reply.Programs.Count > 0)
        {
            await output.WriteAsync(StatusText.Table(reply.Programs.Select(ToStatus)));
        }

        foreach (var name in unknown)
        {
            await FailAsync(parse, $"{name}: ERROR (no such process)");
        }

        return unknown.Count == 0 ? 0 : 1;
    });

    private async Task<int> ActAsync(ParseResult parse, string verb, string[] names, CancellationToken cancellationToken) => await GuardAsync(parse, async client =>
    {
        var code = 0;
        foreach (var name in names)
        {
            var (reply, error) = await client.SendAsync(
                HttpMethod.Post, $"v1/{verb}/{Uri.EscapeDataString(name)}", ControlJsonContext.Default.ActionReply, cancellationToken);
            if (reply is null)
            {
                code = await FailAsync(parse, error);
                continue;
            }

            foreach (var line in reply.Lines)
            {
                await (line.Contains(": ERROR", StringComparison.Ordinal) ? parse.InvocationConfiguration.Error : parse.InvocationConfiguration.Output)
                    .WriteLineAsync(line.Contains(": ERROR", StringComparison.Ordinal) ? "gwe: " + line : line);
            }

            code = reply.Ok ? code : 1;
        }

        return code;
    });

    private async Task<int> TailAsync(ParseResult parse, CancellationToken cancellationToken) => await GuardAsync(parse, async client =>
    {
        var name = parse.GetValue(_tailName)!;
        var path = string.Create(
            CultureInfo.InvariantCulture,
            $"v1/tail/{Uri.EscapeDataString(name)}?bytes={parse.GetValue(_bytes)}&follow={(parse.GetValue(_follow) ? "true" : "false")}");
        await using var stdout = Console.OpenStandardOutput();
        var error = await client.StreamAsync(path, stdout, cancellationToken);
        return error is null ? 0 : await FailAsync(parse, error);
    });

    private async Task<int> ChangesAsync(ParseResult parse, string verb, CancellationToken cancellationToken) => await GuardAsync(parse, async client =>
    {
        var (reply, error) = await client.SendAsync(HttpMethod.Post, "v1/" + verb, ControlJsonContext.Default.ChangesReply, cancellationToken);
        if (reply is null)
        {
            return await FailAsync(parse, error);
        }

        // supervisorctl's words: reread says "available"/"changed"/"disappeared", update says what it did.
        var output = parse.InvocationConfiguration.Output;
        var (added, changed, removed) = verb == "reread"
            ? ("available", "changed", "disappeared")
            : ("added process group", "updated process group", "removed process group");
        foreach (var n in reply.Removed)
        {
            await output.WriteLineAsync($"{n}: {removed}");
        }

        foreach (var n in reply.Changed)
        {
            await output.WriteLineAsync($"{n}: {changed}");
        }

        foreach (var n in reply.Added)
        {
            await output.WriteLineAsync($"{n}: {added}");
        }

        foreach (var line in reply.Failed ?? [])
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("gwe: " + line);
        }

        if (reply.Added.Count + reply.Changed.Count + reply.Removed.Count + (reply.Failed?.Count ?? 0) == 0)
        {
            await output.WriteLineAsync("No config updates to processes");
        }

        return reply.Failed is { Count: > 0 } ? 1 : 0;
    });

    private async Task<int> GuardAsync(ParseResult parse, Func<ControlClient, Task<int>> body)
    {
        using var client = Client(parse);
        try
        {
            return await body(client);
        }
        catch (DaemonNotRunningException ex)
        {
            return await FailAsync(parse, ex.Message);
        }
    }

    private static async Task<int> FailAsync(ParseResult parse, string? error)
    {
        await parse.InvocationConfiguration.Error.WriteLineAsync($"gwe: {error}");
        return 1;
    }

    private static ProgramStatus ToStatus(StatusEntry e) => new(
        e.Name,
        Enum.TryParse<ProcessState>(e.State, ignoreCase: true, out var state) ? state : ProcessState.Unknown,
        e.Pid,
        null,
        null,
        TimeSpan.FromSeconds(e.UptimeSeconds),
        e.ExitCode,
        e.Restarts,
        null,
        e.Description);
}
