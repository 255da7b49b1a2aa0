using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Outpost.Bench.Supervisor;

/// <summary>One way to run the gwe daemon: the JIT build beside the bench (<c>dotnet gwe.dll</c>) or the Native AOT
/// binary that <c>build/publish-gwe.sh</c> makes (what a gateway gets).</summary>
/// <param name="Name">How the figures name it.</param>
/// <param name="File">The program to start.</param>
/// <param name="Prefix">Arguments before gwe's own.</param>
internal sealed record GweBuild(string Name, string File, string[] Prefix)
{
    /// <summary>The framework-dependent build the bench was built with (JIT, the same gwe.dll the tests run).</summary>
    public static GweBuild Jit { get; } = new("gwe JIT (dotnet gwe.dll)", "dotnet", [Path.Join(AppContext.BaseDirectory, "gwe.dll")]);

    /// <summary>The Native AOT binary: <c>--gwe-aot PATH</c>, else <c>artifacts/gwe/linux-ARCH/gwe</c> of this
    /// checkout, published first by <c>build/publish-gwe.sh</c> when missing; null with <c>--no-aot</c> or when the
    /// publish fails (the run goes on with the JIT build and says so).</summary>
    public static async Task<GweBuild?> FindAotAsync(BenchArguments arguments)
    {
        if (arguments.Text("no-aot") is not null)
        {
            return null;
        }

        if (arguments.Text("gwe-aot") is { } given)
        {
            return System.IO.File.Exists(given) ? Aot(given) : throw new FileNotFoundException($"--gwe-aot: no file at {given}");
        }

        var root = RepositoryRoot();
        if (root is null)
        {
            Console.WriteLine("gwe AOT : not found (no checkout above the bench); pass --gwe-aot PATH");
            return null;
        }

        var arch = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "x64";
        var binary = Path.Join(root, "artifacts", "gwe", $"linux-{arch}", "gwe");
        if (!System.IO.File.Exists(binary))
        {
            Console.WriteLine($"gwe AOT : {binary} missing; publishing it with build/publish-gwe.sh (a few minutes)…");
            using var publish = Process.Start(new ProcessStartInfo("bash", [Path.Join(root, "build", "publish-gwe.sh"), $"linux-{arch}"]))!;
            await publish.WaitForExitAsync();
            if (publish.ExitCode != 0 || !System.IO.File.Exists(binary))
            {
                Console.WriteLine("gwe AOT : the publish failed; measuring the JIT build only");
                return null;
            }
        }

        return Aot(binary);
    }

    /// <summary>A second Native AOT binary to measure beside the first in the GMQ + 3 apps phase (<c>--compare-aot
    /// PATH</c>, e.g. the previous release's), so a build change is judged within one run; null when not given.</summary>
    public static GweBuild? FindCompareAot(BenchArguments arguments) =>
        arguments.Text("compare-aot") is not { } path ? null
        : System.IO.File.Exists(path) ? new GweBuild($"gwe Native AOT, compared: {path}", path, [])
        : throw new FileNotFoundException($"--compare-aot: no file at {path}");

    /// <summary>Arguments to start the daemon over <paramref name="home"/>.</summary>
    public string[] RunArguments(string home) => [.. Prefix, "run", "--home", home];

    private static GweBuild Aot(string path) => new("gwe Native AOT", path, []);

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Join(dir.FullName, "Outpost.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
