using System.Diagnostics;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Cli;

/// <summary>
/// Runs the real <c>outpost</c> CLI as a child process (<c>dotnet outpost.dll …</c>) against a server, with an
/// environment of its own: no inherited OUTPOST_* variables and a config file path in the test's temp directory.
/// </summary>
internal sealed class OutpostCli(Uri? server, string? token, string configPath)
{
    public string ConfigPath { get; } = configPath;

    public static OutpostCli For(TestCloud cloud, TempDirectory temp) => new(cloud.BaseAddress, cloud.AdminToken, temp.Combine("config.json"));

    /// <summary>Runs with <c>--server</c> and <c>--token</c> appended (when this instance has them).</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    /// <summary>Like <see cref="RunAsync"/>, with <paramref name="stdin"/> piped in.</summary>
    public Task<CliResult> RunWithInputAsync(string? stdin, params string[] args)
    {
        var all = new List<string>(args);
        if (server is not null)
        {
            all.AddRange(["--server", server.ToString()]);
        }

        if (token is not null)
        {
            all.AddRange(["--token", token]);
        }

        return RunRawAsync(all, new Dictionary<string, string>(), stdin);
    }

    /// <summary>Runs exactly these arguments, with extra environment variables.</summary>
    public async Task<CliResult> RunRawAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string? stdin = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CloudProcess.OutpostDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("OUTPOST_SERVER");
        info.Environment.Remove("OUTPOST_TOKEN");
        info.Environment["OUTPOST_CONFIG"] = ConfigPath;
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start outpost");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"outpost {string.Join(' ', args)} did not finish in 60 s");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
