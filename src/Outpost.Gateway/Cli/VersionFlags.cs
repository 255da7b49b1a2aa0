using System.CommandLine;
using System.Reflection;

namespace Outpost.Gateway.Cli;

/// <summary><c>-v/--version</c>: the version and the git commit it was built from, so a field build is traceable.</summary>
internal sealed class VersionFlags : IFlagGroup
{
    private readonly Option<bool> _version = new("--version", "-v") { Description = "Print the current GWE version." };

    public void AddTo(RootCommand root) => root.Options.Add(_version);

    public async Task<int?> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        if (!parse.GetValue(_version))
        {
            return null;
        }

        await parse.InvocationConfiguration.Output.WriteLineAsync(Describe().AsMemory(), cancellationToken);
        return 0;
    }

    /// <summary><c>gwe 0.1.0 (commit 3026a184d70e)</c>, from the <c>+sha</c> the build stamps into the informational version.</summary>
    public static string Describe()
    {
        var informational = typeof(VersionFlags).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 ? "unknown" : informational[(plus + 1)..];
        return $"gwe {version} (commit {commit})";
    }
}
