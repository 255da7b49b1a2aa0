using System.Runtime.Versioning;

namespace Outpost.Gateway.Tests.Apps;

/// <summary>Runs the real GNU tar as a child process, so tests check what app authors actually produce.</summary>
[UnsupportedOSPlatform("windows")]
internal static class GnuTar
{
    public const UnixFileMode Executable = (UnixFileMode)0x1ED; // 0755
    public const UnixFileMode Plain = (UnixFileMode)0x1A4; // 0644

    /// <summary>Runs <c>tar</c> in <paramref name="workingDirectory"/>; throws with tar's stderr on failure.</summary>
    public static void Run(string workingDirectory, params string[] args) => ChildProcess.Run("tar", workingDirectory, args);

    /// <summary>
    /// The seed's app: <c>tar zcvf test_app.v1.tar.gz supervisor.conf install.sh test_app.py</c> in <paramref name="dir"/>;
    /// returns the tarball path.
    /// </summary>
    public static string SeedApp(ScratchDirectory dir, string folder = "src")
    {
        dir.Write($"{folder}/supervisor.conf", "[program:test_app]\ncommand = python test_app.py\n");
        dir.Write($"{folder}/install.sh", SeedInstallScript, Executable);
        dir.Write($"{folder}/test_app.py", "print('hello')\n");
        Run(dir[folder], "zcvf", "test_app.v1.tar.gz", "supervisor.conf", "install.sh", "test_app.py");
        return dir[$"{folder}/test_app.v1.tar.gz"];
    }

    public const string SeedInstallScript = "#!/bin/sh\n\nINSTALL_PATH=\"/usr/local/bin\"\necho \"Installing test_app...\"\n";
}
