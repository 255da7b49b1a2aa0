using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.Versioning;
using System.Text.Json;
using Outpost.Cli;

namespace Outpost.Gateway.Cli;

/// <summary>
/// The <c>gwe</c> command line, following seed 002's <c>gwe -h</c>: one root command whose flags are contributed by
/// <see cref="IFlagGroup"/>s. Called by <c>Program.cs</c>.
/// </summary>
/// <remarks>
/// 1. each flag group adds its options to the root;
/// 2. the root action asks each group in turn; the first that recognises one of its action flags runs and its exit
///    code is gwe's;
/// 3. no action flag → the daemon (<see cref="DaemonFlags"/>, last in the list); sub-commands (<c>run</c>, <c>status</c>,
///    <c>start</c>, …) carry their own actions;
/// 4. an expected failure (file, JSON, permission) is one line on stderr and exit 1, never a stack trace.
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal static class GweCli
{
    /// <summary>The concerns, in the order they get to run.</summary>
    public static IReadOnlyList<IFlagGroup> FlagGroups()
    {
        // The daemon goes last: it is what gwe does when no other concern claimed the command line.
        return [new VersionFlags(), new AppTarballFlags(), new ConfigFlags(), new InstallFlags(), new DownloadLatestFlags(), new ControlCommands(HomeOption.Option), new GmqCommands(HomeOption.Option), new DaemonFlags()];
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A command line that does not parse (a missing value, <c>-t abc</c>, an
    /// unknown flag) is one line on stderr naming the problem and exit 1, not the whole help page.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, InvocationConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var parse = LiteralArguments.Parse(Create(), args);
        if (parse.Errors.Count == 0 || UsageError.AskedForHelp(args))
        {
            return await parse.InvokeAsync(configuration);
        }

        // One line naming the problem and the command whose -h explains it ("see gwe gmq retry -h").
        await configuration.Error.WriteLineAsync(UsageError.Describe(parse, "gwe"));
        return 1;
    }

    /// <summary>Builds the root command.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("gwe: the Outpost gateway engine. Hosts and installs apps, reports to the cloud.");
        // The built-in --version has no -v and prints no commit; VersionFlags replaces it.
        foreach (var builtIn in root.Options.OfType<VersionOption>().ToList())
        {
            root.Options.Remove(builtIn);
        }

        // One --home for every command and sub-command (it is recursive), so all of them agree on the home.
        root.Options.Add(HomeOption.Option);
        var groups = FlagGroups();
        foreach (var group in groups)
        {
            group.AddTo(root);
        }

        root.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            try
            {
                foreach (var group in groups)
                {
                    if (await group.RunAsync(parse, cancellationToken) is { } code)
                    {
                        return code;
                    }
                }

                await error.WriteLineAsync("gwe: no action given (see gwe -h)");
                return 1;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
            {
                await error.WriteLineAsync($"gwe: {ex.Message.ReplaceLineEndings(" ")}");
                return 1;
            }
        });
        return root;
    }
}
