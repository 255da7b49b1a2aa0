// outpost: the cloud node (`outpost serve`) and the admin CLI that drives its management API from any machine.
using Outpost.Cloud.Cli;

return await CliRoot.Create().Parse(args).InvokeAsync();
