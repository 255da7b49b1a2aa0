using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.Versioning;

namespace Outpost.Gateway.Apps;

/// <summary>
/// Builds <c>NAME.vVERSION.tar.gz</c> from a <see cref="Buildfile"/> (<c>gwe -y</c>), then checks it as gwe would
/// before installing it.
/// </summary>
/// <remarks>
/// 1. check the buildfile (<see cref="BuildfileCheck"/>); stop on any problem;
/// 2. run <c>pre_build_cmds</c> in the buildfile's directory (a non-zero exit stops the build), then check the
///    files they may have made;
/// 3. pack the selected files in sorted order with <see cref="TarWriter"/> (modes, exec bits and symlinks kept),
///    to a temp file renamed into place, so a failed build leaves no half tarball;
/// 4. run <c>post_build_cmds</c>; 5. check the tarball with <see cref="TarballChecker"/>.
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal sealed class AppTarballBuilder(TarballCheckOptions options, TextWriter log)
{
    /// <summary>Builds from the buildfile at <paramref name="buildfilePath"/> into its directory.</summary>
    public async Task<AppTarballBuild> BuildAsync(string buildfilePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buildfilePath);
        var buildfile = BuildfileCheck.Load(buildfilePath, out var loadError);
        if (buildfile is null)
        {
            return new AppTarballBuild([loadError], null, null);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(buildfilePath))!;
        var problems = BuildfileCheck.Problems(buildfile, directory, checkFiles: false);
        if (problems.Count > 0)
        {
            return new AppTarballBuild(problems, null, null);
        }

        var fileName = $"{buildfile.Name}.v{buildfile.Version}.tar.gz";
        var output = Path.Join(directory, fileName);
        if (await RunCommandsAsync(buildfile.PreBuildCmds, "pre_build_cmds", directory, cancellationToken) is { } preError)
        {
            return new AppTarballBuild([preError], null, null);
        }

        problems = BuildfileCheck.Problems(buildfile, directory);
        if (problems.Count > 0)
        {
            return new AppTarballBuild(problems, null, null);
        }

        var files = BuildfileCheck.Select(directory, buildfile.Includes!, buildfile.Excludes ?? [], fileName);
        await PackAsync(directory, files, output, cancellationToken);
        log.WriteLine($"built {fileName} ({files.Count} files)");

        if (await RunCommandsAsync(buildfile.PostBuildCmds, "post_build_cmds", directory, cancellationToken) is { } postError)
        {
            return new AppTarballBuild([postError], output, null);
        }

        var check = await new TarballChecker(options).CheckFileAsync(output, cancellationToken);
        return new AppTarballBuild(check.Problems, output, check);
    }

    private static async Task PackAsync(string directory, IReadOnlyList<string> files, string output, CancellationToken cancellationToken)
    {
        var temp = output + ".partial";
        try
        {
            await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            await using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
            await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: false))
            {
                foreach (var relative in files)
                {
                    // Reads mode, owner and link target from the file itself (lstat): exec bits and symlinks survive.
                    await tar.WriteEntryAsync(Path.Join(directory, relative), relative, cancellationToken);
                }
            }

            File.Move(temp, output, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private async Task<string?> RunCommandsAsync(IReadOnlyList<string>? commands, string key, string directory, CancellationToken cancellationToken)
    {
        foreach (var command in commands ?? [])
        {
            log.WriteLine($"{key}: {command}");
            var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(command);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start /bin/sh");
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            log.Write(await stdout);
            log.Write(await stderr);
            if (process.ExitCode != 0)
            {
                return $"{key}: '{command}' exited with {process.ExitCode}";
            }
        }

        return null;
    }
}
