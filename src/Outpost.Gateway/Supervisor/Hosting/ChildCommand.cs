using System.Globalization;
using Outpost.Gateway.Supervisor.Config;

namespace Outpost.Gateway.Supervisor.Hosting;

/// <summary>The exact argv and environment a program is exec'd with: wrappers, resolved program, user switch.</summary>
/// <param name="Argv">Element 0 is the file to exec.</param>
/// <param name="Environment">Variables to set on top of the supervisor's own.</param>
/// <param name="Isolated">Whether the child gets its own process group (so group signals are safe to send).</param>
internal sealed record ChildCommand(IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string> Environment, bool Isolated)
{
    /// <summary>Builds the command for <paramref name="config"/>, or returns the spawn error supervisord would give.</summary>
    /// <param name="config">The program.</param>
    /// <param name="wrappers">The util-linux tools found on this machine.</param>
    /// <param name="searchPath">The PATH to resolve a bare program name with (the supervisor's, as supervisord does).</param>
    /// <param name="isRoot">Whether the supervisor runs as root.</param>
    /// <param name="currentUser">The supervisor's user name.</param>
    /// <param name="passwd">The text of /etc/passwd, read only when <c>user</c> is set.</param>
    public static (ChildCommand? Command, string? Error) Build(
        ProgramConfig config, SpawnWrappers wrappers, string searchPath, bool isRoot, string currentUser, Func<string> passwd)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(wrappers);
        ArgumentNullException.ThrowIfNull(passwd);
        if (config.Directory is { } dir && !System.IO.Directory.Exists(dir))
        {
            return (null, $"couldn't chdir to {dir}: no such directory");
        }

        var program = config.Arguments[0];
        string resolved;
        if (program.Contains('/', StringComparison.Ordinal))
        {
            resolved = Path.GetFullPath(program, config.Directory ?? System.Environment.CurrentDirectory);
            if (!File.Exists(resolved))
            {
                return (null, $"can't find command '{program}'");
            }
        }
        else
        {
            var found = searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(d => Path.Combine(d, program))
                .FirstOrDefault(File.Exists);
            if (found is null)
            {
                return (null, $"can't find command '{program}'");
            }

            resolved = found;
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(resolved) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
        {
            return (null, $"command at '{resolved}' is not executable");
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SUPERVISOR_ENABLED"] = "1",
            ["SUPERVISOR_PROCESS_NAME"] = config.Name,
            ["SUPERVISOR_GROUP_NAME"] = config.Name,
        };
        var argv = new List<string>();
        if (wrappers.Setsid is not null)
        {
            argv.Add(wrappers.Setsid);
        }

        UserAccount? account = null;
        if (config.User is { } user && user != currentUser)
        {
            if (!isRoot)
            {
                return (null, $"can't switch to user '{user}': the supervisor is not running as root");
            }

            account = UserAccount.Find(passwd(), user);
            if (account is null)
            {
                return (null, $"can't find user '{user}'");
            }

            if (wrappers.Setpriv is null)
            {
                return (null, $"can't switch to user '{user}': setpriv (util-linux) is not installed");
            }

            // supervisord sets these for the target user so the app does not see root's home.
            env["HOME"] = account.Home;
            env["USER"] = account.Name;
            env["LOGNAME"] = account.Name;
            env["SHELL"] = account.Shell;
        }

        if (wrappers.Setpriv is not null)
        {
            argv.Add(wrappers.Setpriv);
            if (account is not null)
            {
                argv.Add("--reuid=" + account.Uid.ToString(CultureInfo.InvariantCulture));
                argv.Add("--regid=" + account.Gid.ToString(CultureInfo.InvariantCulture));
                argv.Add("--init-groups");
            }

            // setpriv applies it after the uid switch (checked with util-linux 2.38), so the kernel does not clear it.
            argv.Add("--pdeathsig");
            argv.Add("KILL");
            argv.Add("--");
        }

        argv.Add(resolved);
        argv.AddRange(config.Arguments.Skip(1));
        foreach (var (k, v) in config.Environment)
        {
            env[k] = v;
        }

        return (new ChildCommand(argv, env, wrappers.Setsid is not null), null);
    }
}
