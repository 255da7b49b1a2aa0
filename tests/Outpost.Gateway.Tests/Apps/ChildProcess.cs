using System.Diagnostics;

namespace Outpost.Gateway.Tests.Apps;

/// <summary>Runs a real program and captures its output; tests use it for GNU tar, ln and the gwe CLI.</summary>
internal static class ChildProcess
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs <paramref name="file"/>; throws with its stderr when it exits non-zero.</summary>
    public static void Run(string file, string workingDirectory, params string[] args)
    {
        var outcome = Capture(file, workingDirectory, args);
        if (outcome.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {outcome.Stderr}");
        }
    }

    /// <summary>Runs <paramref name="file"/> and returns its exit code and output.</summary>
    public static Outcome Capture(string file, string workingDirectory, params string[] args) =>
        Capture(file, workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>Runs <paramref name="file"/> with <paramref name="environment"/> added to this process's environment.</summary>
    public static Outcome Capture(string file, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return new Outcome(process.ExitCode, stdout.Result, stderr);
    }
}
