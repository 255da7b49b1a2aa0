using System.Diagnostics;

namespace Outpost.Gdc.Tests;

/// <summary>Runs the built <c>gdc.dll</c> as a real child process, with stdout/stderr redirected (so output is the plain, non-TTY kind).</summary>
internal static class GdcProcess
{
    public static string GdcDll => Path.Combine(AppContext.BaseDirectory, "gdc.dll");

    public static async Task<GdcRun> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(GdcDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("GDC_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start gdc");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return new GdcRun(process.ExitCode, await stdout, await stderr);
    }

    public static Task<GdcRun> RunAsync(params string[] args) => RunAsync(null, args);
}
