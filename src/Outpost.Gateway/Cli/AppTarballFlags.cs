using System.CommandLine;
using System.Runtime.Versioning;
using Outpost.Gateway.Apps;

namespace Outpost.Gateway.Cli;

/// <summary>
/// The app-author flags of seed 002: <c>-z</c> checks a tarball, <c>-x</c> writes a starter <c>gwe.build</c>,
/// <c>-w</c> checks a buildfile, <c>-y</c> builds the tarball from <c>gwe.build</c>; <c>-n</c>/<c>-s</c> feed <c>-x</c>.
/// Each check prints one problem per line on stderr and exits 1, or prints <c>[PASS]</c> and exits 0.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class AppTarballFlags : IFlagGroup
{
    private readonly Option<string> _checkTarball = new("--check-tarball", "-z")
    {
        Description = "Checks GWE tarball for things like structure, optional elements.",
        HelpName = "TARBALL",
    };

    private readonly Option<string> _checkBuildfile = new("--check-buildfile", "-w")
    {
        Description = "Checks the gwe.build file for common problems. Does not detect all problems.",
        HelpName = "BUILDFILE",
    };

    private readonly Option<bool> _createBuildfile = new("--create-buildfile", "-x") { Description = "Create buildfile." };

    private readonly Option<bool> _buildTarball = new("--build-app-tarball", "-y") { Description = "Build application tarball." };

    private readonly Option<string> _appName = new("--app-name", "-n")
    {
        Description = "The name of the Custom Gateway Application. This is the NAME in NAME.v1.tar.gz.",
        HelpName = "APP_NAME",
    };

    private readonly Option<string> _appVersion = new("--app-version", "-s")
    {
        Description = "The version of the Custom Gateway Application. This is the VERSION in NAME.vVERSION.tar.gz",
        HelpName = "APP_VERSION",
    };

    public void AddTo(RootCommand root)
    {
        foreach (var option in new Option[] { _checkTarball, _checkBuildfile, _createBuildfile, _buildTarball, _appName, _appVersion })
        {
            root.Options.Add(option);
        }
    }

    public async Task<int?> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        if (parse.GetValue(_checkTarball) is { } tarball)
        {
            var result = await new TarballChecker().CheckFileAsync(tarball, cancellationToken);
            return await ReportAsync(result.Problems, output, error);
        }

        if (parse.GetValue(_createBuildfile))
        {
            return await CreateBuildfileAsync(parse, output, error, cancellationToken);
        }

        if (parse.GetValue(_checkBuildfile) is { } buildfilePath)
        {
            var buildfile = BuildfileCheck.Load(buildfilePath, out var loadError);
            var problems = buildfile is null
                ? [loadError]
                : BuildfileCheck.Problems(buildfile, Path.GetDirectoryName(Path.GetFullPath(buildfilePath))!);
            return await ReportAsync(problems, output, error);
        }

        if (parse.GetValue(_buildTarball))
        {
            var path = Path.Join(Directory.GetCurrentDirectory(), Buildfile.DefaultFileName);
            var build = await new AppTarballBuilder(TarballCheckOptions.Default, output).BuildAsync(path, cancellationToken);
            return await ReportAsync(build.Problems, output, error);
        }

        // Alone they are no action: without this, "gwe -n test_app" fell through to starting the daemon.
        if (parse.GetValue(_appName) is not null || parse.GetValue(_appVersion) is not null)
        {
            await error.WriteLineAsync("gwe: -n/--app-name and -s/--app-version only go with -x/--create-buildfile");
            return 1;
        }

        return null;
    }

    private async Task<int> CreateBuildfileAsync(ParseResult parse, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var directory = Directory.GetCurrentDirectory();
        var path = Path.Join(directory, Buildfile.DefaultFileName);
        if (File.Exists(path))
        {
            await error.WriteLineAsync($"{path} already exists; not overwriting it");
            return 1;
        }

        var buildfile = BuildfileTemplate.Create(directory, parse.GetValue(_appName), parse.GetValue(_appVersion));
        var json = BuildfileTemplate.ToJson(buildfile);
        await File.WriteAllTextAsync(path, json, cancellationToken);
        await output.WriteLineAsync($"wrote {path}:");
        await output.WriteAsync(json);
        return 0;
    }

    private static async Task<int> ReportAsync(IReadOnlyList<string> problems, TextWriter output, TextWriter error)
    {
        if (problems.Count == 0)
        {
            await output.WriteLineAsync("[PASS]");
            return 0;
        }

        foreach (var problem in problems)
        {
            await error.WriteLineAsync(problem);
        }

        return 1;
    }
}
