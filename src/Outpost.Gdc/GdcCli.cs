using System.CommandLine;

namespace Outpost.Gdc;

/// <summary>
/// gdc, the device API from the shell: a thin CLI over <c>Outpost.Device</c> for hosted apps written in shell (the
/// seed's class B/BB apps). Output is plain for scripts (<c>alias=value</c>), <c>--json</c> for programs; exit codes
/// in <see cref="ExitCodes"/>.
/// </summary>
internal static class GdcCli
{
    public static RootCommand Create()
    {
        var options = new GlobalOptions();
        var root = new RootCommand("gdc: talk to the Outpost device API (activate, write, read, wait, record, content, timestamp)");
        options.AddTo(root);
        root.Subcommands.Add(ActivateCommand.Create(options));
        root.Subcommands.Add(WriteCommand.Create(options));
        root.Subcommands.Add(ReadCommand.Create(options));
        root.Subcommands.Add(WaitCommand.Create(options));
        root.Subcommands.Add(RecordCommand.Create(options));
        root.Subcommands.Add(ContentCommand.Create(options));
        root.Subcommands.Add(TimestampCommand.Create(options));
        return root;
    }
}
