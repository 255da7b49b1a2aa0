// outpost: the cloud node (`outpost serve`) and the admin CLI that drives its management API from any machine.
using System.CommandLine;
using Outpost.Cloud.Cli;

// A graceful stop (in-flight requests finish, queued writes commit) gets time before the process is forced down.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) };
return await CliRoot.Create().Parse(args).InvokeAsync(invocation);
