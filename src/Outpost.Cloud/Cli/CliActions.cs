using System.CommandLine;

namespace Outpost.Cloud.Cli;

/// <summary>
/// The plumbing every API command shares: the <c>--server</c>, <c>--token</c> and <c>--json</c> options on each
/// command group, connection resolution, and the one place failures become one stderr line and an exit code.
/// </summary>
internal static class CliActions
{
    private const string ServerName = "--server";
    private const string TokenName = "--token";
    private const string JsonName = "--json";

    /// <summary>A command group (<c>product</c>, <c>device</c>…) carrying the connection options for all its subcommands.</summary>
    public static Command Group(string name, string description, params Command[] subcommands)
    {
        var group = Connected(new Command(name, description));
        foreach (var subcommand in subcommands)
        {
            group.Subcommands.Add(subcommand);
        }

        return group;
    }

    /// <summary>Adds the connection options (<c>--server</c>, <c>--token</c>, <c>--json</c>) to a command and all below it.</summary>
    public static Command Connected(Command command)
    {
        command.Options.Add(new Option<string>(ServerName) { Description = $"Server URL (else $OUTPOST_SERVER, the config file, {CliConnection.DefaultServer})", Recursive = true });
        command.Options.Add(new Option<string>(TokenName) { Description = "API token (else $OUTPOST_TOKEN, the config file)", Recursive = true });
        command.Options.Add(new Option<bool>(JsonName) { Description = "Print the API's JSON instead of tables", Recursive = true });
        return command;
    }

    /// <summary>Runs <paramref name="action"/> with a session for the resolved server and token.</summary>
    public static void SetApiAction(this Command command, Func<ParseResult, CliSession, CancellationToken, Task> action) =>
        command.SetAction((parse, ct) => RunAsync(async () =>
        {
            var connection = ResolveConnection(parse);
            if (connection.Token is null)
            {
                throw CliError.Usage("no API token: pass --token, set OUTPOST_TOKEN, or run 'outpost login'");
            }

            using var session = new CliSession(connection, new Output(parse.GetValue<bool>(JsonName)));
            await action(parse, session, ct);
        }, ct));

    public static CliConnection ResolveConnection(ParseResult parse)
    {
        var server = parse.GetValue<string>(ServerName);
        var token = parse.GetValue<string>(TokenName);
        Func<string, string?> env = Environment.GetEnvironmentVariable;

        // The config file is read only when flags and environment leave a gap, so a broken file cannot block them.
        var complete = !string.IsNullOrWhiteSpace(server ?? env("OUTPOST_SERVER")) && !string.IsNullOrWhiteSpace(token ?? env("OUTPOST_TOKEN"));
        var config = complete ? null : CliConfigFile.Read(CliConfigFile.DefaultPath(env));
        return CliConnection.Resolve(server, token, env, config);
    }

    /// <summary>Every failure ends here: one line <c>outpost: …</c> on stderr and its exit code, never a stack trace.</summary>
    public static async Task<int> RunAsync(Func<Task> body, CancellationToken cancellationToken)
    {
        try
        {
            await body();
            return ExitCodes.Ok;
        }
        catch (CliError error)
        {
            return await FailAsync(error.Message, error.ExitCode);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await FailAsync("cancelled", ExitCodes.Cancelled);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Local files (upload source, download target, serial lists): the OS message names the path.
            return await FailAsync(ex.Message, ExitCodes.Usage);
        }
    }

    /// <summary>
    /// A local file a command reads (upload source, serial list, rule file): one line naming what is wrong with the path
    /// before anything is sent — "does not exist" would be wrong for a directory.
    /// </summary>
    public static void RequireFile(string path, string what)
    {
        if (Directory.Exists(path))
        {
            throw CliError.Usage($"{what} {path} is a directory, not a file");
        }

        if (!File.Exists(path))
        {
            throw CliError.Usage($"{what} {path} does not exist");
        }
    }

    /// <summary>Adds a one-line "must be one of" check; System.CommandLine's own spreads the choices over several lines.</summary>
    public static Option<string> OneOf(this Option<string> option, params string[] choices)
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is not null && !choices.Contains(value, StringComparer.Ordinal))
            {
                result.AddError($"{option.Name} must be {string.Join(", ", choices[..^1])} or {choices[^1]}, not '{value}'");
            }
        });
        option.CompletionSources.Add(choices);
        return option;
    }

    /// <summary>
    /// Adds a range check (the server's own), so a number out of range is bad usage (exit 1) refused before anything is
    /// sent, not the server's refusal (exit 2) in its query-parameter terms.
    /// </summary>
    public static Option<int?> Between(this Option<int?> option, int min, int max)
    {
        option.Validators.Add(result =>
        {
            // Only a value that is a number: one that is not gets the parser's own error (reading it here would throw).
            if (result.Tokens is [{ } token] && int.TryParse(token.Value, System.Globalization.CultureInfo.InvariantCulture, out var value) && (value < min || value > max))
            {
                result.AddError(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{option.Name} must be {min}-{max}, not {value}"));
            }
        });
        return option;
    }

    /// <summary>Parses <c>key=value</c> arguments (tags, filters).</summary>
    public static KeyValuePair<string, string> KeyValue(string text, string what)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw CliError.Usage($"{what} '{text}' must look like key=value");
        }

        return new(text[..eq], text[(eq + 1)..]);
    }

    private static async Task<int> FailAsync(string message, int exitCode)
    {
        await Console.Error.WriteLineAsync("outpost: " + message);
        return exitCode;
    }
}
