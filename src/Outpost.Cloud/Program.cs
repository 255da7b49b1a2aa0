// outpost: the cloud node (`outpost serve`) and the admin CLI that drives its management API from any machine.
using System.CommandLine;
using Outpost.Cloud.Cli;

var parse = CliRoot.Create().Parse(args);

// A usage error is one line naming the problem, not a page of help (`outpost <command> -h` shows that).
if (parse.Errors.Count > 0 && !args.Any(a => a is "-h" or "--help" or "-?"))
{
    var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
    var path = new List<string>();
    for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
    {
        path.Insert(0, result.Command.Name);
    }

    path[0] = "outpost";
    // Worded as gwe's and gdc's: no .NET type names, one line, "(see CMD -h)".
    var message = System.Text.RegularExpressions.Regex.Replace(error.Message, @" as expected type '[^']*'", " as a number");
    message = System.Text.RegularExpressions.Regex.Replace(message, @"\s+", " ").Trim();
    await Console.Error.WriteLineAsync($"outpost: {message} (see {string.Join(' ', path)} -h)");
    return 1;
}

// A graceful stop (in-flight requests finish, queued writes commit) gets time before the process is forced down.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) };
return await parse.InvokeAsync(invocation);
