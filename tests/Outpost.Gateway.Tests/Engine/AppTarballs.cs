using System.Runtime.Versioning;
using Outpost.Gateway.Tests.Apps;

namespace Outpost.Gateway.Tests.Engine;

/// <summary>Real app tarballs built with GNU tar in the seed's <c>tar zcvf NAME.vV.tar.gz supervisor.conf install.sh …</c> layout.</summary>
[UnsupportedOSPlatform("windows")]
internal static class AppTarballs
{
    /// <summary>A long-running app: install.sh echoes, the program writes its version to <c>&lt;dir&gt;/running.&lt;version&gt;</c> and sleeps.</summary>
    /// <param name="command">supervisor.conf's command; <c>./run.sh</c> is the seed's relative form.</param>
    public static string Service(ScratchDirectory dir, string name, string version, string installBody = "echo \"Installing $APP_NAME $APP_VERSION\"", string? runBody = null, string? extraConf = null, string command = "%(here)s/run.sh")
    {
        var folder = $"build-{name}-{version}";
        dir.Write($"{folder}/install.sh", "#!/bin/sh\n" + installBody + "\n", GnuTar.Executable);
        dir.Write($"{folder}/run.sh", "#!/bin/sh\n" + (runBody ?? $"echo started > \"{dir.Path}/running.{version}\"\nexec sleep 600") + "\n", GnuTar.Executable);
        // Fast defaults for tests, unless extraConf sets the key itself (a key may appear only once in a section).
        var defaults = new[] { "startsecs = 1", "startretries = 1", "stopwaitsecs = 2" }
            .Where(d => extraConf is null || !extraConf.Contains(d.Split(' ')[0] + " =", StringComparison.Ordinal));
        dir.Write($"{folder}/supervisor.conf", $"[program:{name}]\ncommand = {command}\n{string.Join('\n', defaults)}\n{extraConf}");
        var file = $"{name}.v{version}.tar.gz";
        GnuTar.Run(dir[folder], "zcvf", file, "supervisor.conf", "install.sh", "run.sh");
        return dir[$"{folder}/{file}"];
    }

    /// <summary>A one-off: install.sh only, no supervisor.conf.</summary>
    public static string OneOff(ScratchDirectory dir, string name, string version, string installBody)
    {
        var folder = $"build-{name}-{version}";
        dir.Write($"{folder}/install.sh", "#!/bin/sh\n" + installBody + "\n", GnuTar.Executable);
        var file = $"{name}.v{version}.tar.gz";
        GnuTar.Run(dir[folder], "zcvf", file, "install.sh");
        return dir[$"{folder}/{file}"];
    }
}
