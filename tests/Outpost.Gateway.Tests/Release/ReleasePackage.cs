using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Outpost.Gateway.Tests.Apps;

namespace Outpost.Gateway.Tests.Release;

/// <summary>
/// A real release package, made once per test class by <c>build/package-gwe.sh --from</c> from the gwe and gdc this test
/// build compiled (framework-dependent: no minutes-long AOT publish in the tests; the package and install.sh treat it
/// the same way).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ReleasePackage : IDisposable
{
    private readonly ScratchDirectory _dir = new();

    public ReleasePackage()
    {
        Repository = FindRepository();
        HostRid = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        OtherRid = HostRid == "linux-x64" ? "linux-arm64" : "linux-x64";
        BuiltDirectory = _dir["from"];
        CopyBuild(AppContext.BaseDirectory, BuiltDirectory, HostRid);
        var said = ChildProcess.Capture(Path.Join(BuiltDirectory, "gwe"), _dir.Path, "--version");
        Version = said.Stdout.Split(' ')[1];
        var made = Package(_dir["out"], "--from", BuiltDirectory);
        Assert.True(made.ExitCode == 0, made.Stderr);
        Tarball = Path.Join(_dir["out"], $"GatewayEngine.v{Version}.tar.gz");
        PackagerOutput = made.Stdout;
    }

    /// <summary>The repository root (build/ is there).</summary>
    public string Repository { get; }

    /// <summary>This machine's runtime id, and one it is not.</summary>
    public string HostRid { get; }

    public string OtherRid { get; }

    /// <summary>The built gwe + gdc the package was made from.</summary>
    public string BuiltDirectory { get; }

    /// <summary>What the packaged gwe says its version is.</summary>
    public string Version { get; }

    /// <summary>The package.</summary>
    public string Tarball { get; }

    public string PackagerOutput { get; }

    /// <summary>Runs <c>build/package-gwe.sh --out-dir OUT ARGS…</c>.</summary>
    internal ChildProcess.Outcome Package(string outDir, params string[] args) =>
        ChildProcess.Capture(Path.Join(Repository, "build", "package-gwe.sh"), Repository, ["--out-dir", outDir, .. args]);

    /// <summary>Unpacks <paramref name="tarball"/> into <paramref name="directory"/> with GNU tar; returns its gateway-engine/.</summary>
    public static string Unpack(string tarball, string directory)
    {
        Directory.CreateDirectory(directory);
        GnuTar.Run(directory, "zxf", tarball);
        return Path.Join(directory, "gateway-engine");
    }

    public void Dispose() => _dir.Dispose();

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Join(dir.FullName, "Outpost.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Outpost.slnx above {AppContext.BaseDirectory}");
    }

    // gwe and gdc with what they load: the test build's assemblies minus the test-only ones, native SQLite for this RID.
    private static void CopyBuild(string from, string to, string rid)
    {
        string[] testOnly = ["Outpost.Gateway.Tests", "Outpost.Testing", "xunit", "testhost", "Microsoft.TestPlatform", "Microsoft.VisualStudio", "Newtonsoft", "outpost."];
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            var name = Path.GetFileName(file);
            var program = name is "gwe" or "gdc" || name.StartsWith("gwe.", StringComparison.Ordinal) || name.StartsWith("gdc.", StringComparison.Ordinal);
            if (program || (name.EndsWith(".dll", StringComparison.Ordinal) && !testOnly.Any(t => name.StartsWith(t, StringComparison.Ordinal))))
            {
                File.Copy(file, Path.Join(to, name));
                File.SetUnixFileMode(Path.Join(to, name), File.GetUnixFileMode(file));
            }
        }

        var native = Path.Join(from, "runtimes", rid);
        foreach (var file in Directory.EnumerateFiles(native, "*", SearchOption.AllDirectories))
        {
            var target = Path.Join(to, "runtimes", rid, Path.GetRelativePath(native, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
