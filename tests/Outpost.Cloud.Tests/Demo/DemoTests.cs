using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Demo;

public sealed class DemoTests
{
    [Fact]
    public async Task Demo_RunsTheStagedRolloutWithARealGwe_ThenStopsCleanlyOnSigterm()
    {
        var port = CloudProcess.FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { CloudProcess.OutpostDll, "demo", "--urls", $"http://127.0.0.1:{port}", "--gateways", "10" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains("the demo keeps running", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromMinutes(3));
        }
        finally
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var text = output.ToString();
        Assert.Contains("production rollout before staging: refused", text, StringComparison.Ordinal);
        Assert.Matches(@"on demostag[0-9a-f]+: succeeded", text);
        // The real gwe on staging installed v2 through its own OTA pipeline, and stopped cleanly with the demo.
        Assert.Matches(@"real gwe gwe-[0-9a-f]+ reports: test_app v2 RUNNING", text);
        Assert.Contains("real gwe stopped (exit code 0)", text, StringComparison.Ordinal);
        var home = Regex.Match(text, @"\(pid (\d+), home (\S+)\)");
        Assert.True(home.Success, text);
        Assert.False(Directory.Exists(home.Groups[2].Value), "the real gwe's temp home is removed on stop");
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(int.Parse(home.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Matches(@"on demoprod[0-9a-f]+: (succeeded|paused)", text);
        Assert.DoesNotMatch("(?m)^(dbug|trce): ", text);
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task Demo_OnAPortInUse_ExitsOneWithOneLineAndNoStackTrace()
    {
        using var held = CloudProcess.HoldPort(out var port);
        using var temp = new TempDirectory("outpost-demo");
        var (exitCode, stdout, stderr) = await RunToExitAsync("--urls", $"http://127.0.0.1:{port}", "--data", temp.Combine("data"));

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"outpost: cannot listen on http://127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.EndsWith("(pick another with --urls)", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_WithUrlsThatAreNoAddress_ExitsOneWithServesOneLine_AndNoStackTrace()
    {
        var (exitCode, stdout, stderr) = await RunToExitAsync("--urls", "bogus");

        Assert.Equal(1, exitCode);
        Assert.Equal("outpost: --urls: 'bogus' is not an address to listen on (e.g. http://127.0.0.1:8080, http://0.0.0.0:80; several separated by ';')",
            Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.DoesNotContain("   at ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_ThatFailsToStart_RemovesTheTemporaryDataDirectoryItMade()
    {
        using var held = CloudProcess.HoldPort(out var port);
        static string[] DemoDirectories() => [.. Directory.GetDirectories(Path.GetTempPath(), "outpost-demo-*").Where(d => Regex.IsMatch(Path.GetFileName(d), "^outpost-demo-[0-9a-f]{8}$"))];
        var before = DemoDirectories();
        var (exitCode, _, stderr) = await RunToExitAsync("--urls", $"http://127.0.0.1:{port}");

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"outpost: cannot listen on http://127.0.0.1:{port}", stderr, StringComparison.Ordinal);
        Assert.Empty(DemoDirectories().Except(before));
    }

    /// <summary>Runs <c>outpost demo</c> with <paramref name="args"/> until it exits on its own (a demo that cannot start).</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args.Prepend("demo").Prepend(CloudProcess.OutpostDll))
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout, await stderr);
    }
}
