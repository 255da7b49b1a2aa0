using System.Diagnostics;

namespace Outpost.Gateway.Supervisor.Hosting;

/// <summary>The util-linux tools children are exec'd through: <c>setsid</c> (own process group) and <c>setpriv</c>
/// (parent-death signal, user switch).</summary>
/// <remarks>
/// <para>Why wrappers: neither .NET's <see cref="Process"/> nor <c>posix_spawn</c> (<see cref="ChildProcess"/>) can run
/// code between fork and exec, so neither can call <c>setpgid</c> or <c>prctl(PR_SET_PDEATHSIG)</c> in the child. Both tools do exactly that and then exec the next
/// word, so the pid we get back is the program's own pid and no extra process stays around.</para>
/// <para><c>setsid</c> makes the child a session and process-group leader (pgid = pid), so a stop can reach the app's
/// own children with <c>kill(-pgid)</c>. <c>setpriv --pdeathsig KILL</c> makes the kernel kill the child when the
/// thread that forked it dies — that is why children are forked from one dedicated thread (see <see cref="ChildLauncher"/>).
/// When a tool is missing the supervisor still runs, without group signals or without the death signal, and logs it.</para>
/// </remarks>
/// <param name="Setsid">Path of <c>setsid</c>, or <see langword="null"/>.</param>
/// <param name="Setpriv">Path of a <c>setpriv</c> that knows <c>--pdeathsig</c>, or <see langword="null"/>.</param>
internal sealed record SpawnWrappers(string? Setsid, string? Setpriv)
{
    /// <summary>No wrappers: plain exec (tests of the fallback, or systems without util-linux).</summary>
    public static SpawnWrappers None { get; } = new(null, null);

    /// <summary>Finds the tools on this machine; probes <c>setpriv --help</c> once for <c>--pdeathsig</c> (util-linux ≥ 2.33).</summary>
    public static SpawnWrappers Detect()
    {
        var setsid = FirstExisting("/usr/bin/setsid", "/bin/setsid");
        var setpriv = FirstExisting("/usr/bin/setpriv", "/bin/setpriv");
        if (setpriv is not null && !HelpMentions(setpriv, "--pdeathsig"))
        {
            setpriv = null;
        }

        return new SpawnWrappers(setsid, setpriv);
    }

    private static string? FirstExisting(params string[] paths) => paths.FirstOrDefault(File.Exists);

    private static bool HelpMentions(string tool, string option)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(tool, "--help")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (p is null)
            {
                return false;
            }

            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return text.Contains(option, StringComparison.Ordinal);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
