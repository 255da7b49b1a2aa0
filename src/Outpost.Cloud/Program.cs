// outpost: the cloud node (`outpost serve`) and the admin CLI that drives its management API from any machine.
using System.CommandLine;
using Outpost.Cli;
using Outpost.Cloud.Cli;

var parse = LiteralArguments.Parse(CliRoot.Create(), args);

// A usage error is one line naming the problem, not a page of help (`outpost <command> -h` shows that).
if (parse.Errors.Count > 0 && !UsageError.AskedForHelp(args))
{
    await Console.Error.WriteLineAsync(UsageError.Describe(parse, "outpost"));
    return 1;
}

// A graceful stop (in-flight requests finish, queued writes commit) gets time before the process is forced down.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) };
return await parse.InvokeAsync(invocation);
