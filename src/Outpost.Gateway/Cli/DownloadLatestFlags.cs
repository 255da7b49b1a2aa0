using System.CommandLine;
using Outpost.Cli;
using Outpost.Device;
using Outpost.Gateway.Release;

namespace Outpost.Gateway.Cli;

/// <summary>
/// <c>--download-latest RELEASE_AREA [--output PATH]</c> (seed 002): downloads the newest Gateway Engine release
/// package of the area from the gateway's own content area (<see cref="ReleaseSource"/>) into the current directory,
/// with a progress bar when stderr is a terminal; prints the saved path. A refusal (unknown or baseline area, not
/// activated, nothing matching, a failed sha256 check) is one line and exit 1, and saves nothing.
/// </summary>
internal sealed class DownloadLatestFlags : IFlagGroup
{
    private readonly Option<string> _area = new("--download-latest")
    {
        Description = "Download the latest release of Gateway Engine from this gateway's content area: gmq-master (newest stable) or gmq-dev (newest, prereleases included).",
        HelpName = "RELEASE_AREA",
    };

    // Not -o: that is the seed's --once.
    private readonly Option<string> _output = new("--output")
    {
        Description = "With --download-latest: where to save the package, a file or a directory (default: the current directory).",
        HelpName = "PATH",
    };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(_area);
        root.Options.Add(_output);
    }

    public async Task<int?> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        if (parse.GetValue(_area) is not { } name)
        {
            if (parse.GetValue(_output) is null)
            {
                return null;
            }

            await error.WriteLineAsync("gwe: --output only goes with --download-latest");
            return 1;
        }

        // Before the cloud is asked: an empty path has no full path (Path.GetFullPath throws).
        if (parse.GetValue(_output) is { } output && string.IsNullOrWhiteSpace(output))
        {
            await error.WriteLineAsync("gwe: --output needs a file or directory path; it was empty");
            return 1;
        }

        if (ReleaseArea.TryParse(name, out var areaError) is not { } area)
        {
            await error.WriteLineAsync($"gwe: {areaError}");
            return 1;
        }

        try
        {
            using var source = await ReleaseSource.OpenAsync(HomeOption.Resolve(parse), cancellationToken);
            var id = await source.LatestAsync(area, cancellationToken);
            if (DownloadDestination.TryResolve(parse.GetValue(_output), id, out var destinationError) is not { } destination)
            {
                await error.WriteLineAsync($"gwe: --output {parse.GetValue(_output)}: {destinationError}");
                return 1;
            }

            var result = ShowsProgress(error)
                ? await DownloadProgressBar.RunAsync(id, progress => source.DownloadAsync(id, destination, progress, cancellationToken))
                : await source.DownloadAsync(id, destination, null, cancellationToken);
            await parse.InvocationConfiguration.Output.WriteLineAsync(result.Path);
            return 0;
        }
        catch (DeviceApiException ex)
        {
            await error.WriteLineAsync($"gwe: --download-latest {name}: {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    // A person is watching only when gwe writes to the real stderr and that is a terminal.
    private static bool ShowsProgress(TextWriter error) => ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
}
