using System.CommandLine;
using Outpost.Gateway.Engine;

namespace Outpost.Gateway.Cli;

/// <summary><c>-v/--version</c>: the version, the git commit and the build date, so a field build is traceable.</summary>
internal sealed class VersionFlags : IFlagGroup
{
    private readonly Option<bool> _version = new("--version", "-v") { Description = "Print the current GWE version, the git commit it was built from and the build date." };

    public void AddTo(RootCommand root) => root.Options.Add(_version);

    public async Task<int?> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        if (!parse.GetValue(_version))
        {
            return null;
        }

        await parse.InvocationConfiguration.Output.WriteLineAsync(GweVersion.Describe().AsMemory(), cancellationToken);
        return 0;
    }
}
