using System.CommandLine;

namespace Outpost.Gateway.Cli;

/// <summary>
/// One concern of the <c>gwe</c> command line (version, app tarballs, configuration, …): it adds its flags to the root
/// command and runs when one of its action flags was given. Add a concern by writing one of these and listing it in
/// <see cref="GweCli.FlagGroups"/>.
/// </summary>
internal interface IFlagGroup
{
    /// <summary>Adds this concern's options to <paramref name="root"/>.</summary>
    void AddTo(RootCommand root);

    /// <summary>
    /// Runs this concern if one of its action flags is in <paramref name="parse"/> and returns the exit code;
    /// <see langword="null"/> when none is (so the next concern gets its turn).
    /// </summary>
    Task<int?> RunAsync(ParseResult parse, CancellationToken cancellationToken);
}
