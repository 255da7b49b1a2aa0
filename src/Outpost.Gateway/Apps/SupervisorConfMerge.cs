using System.Text;
using Outpost.Gateway.Supervisor.Config;
using Outpost.Protocol.Tarballs;

namespace Outpost.Gateway.Apps;

/// <summary>
/// Turns an app's <c>supervisor.conf</c> into the program gwe supervises (seed 002, "The Supervisor Configuration File");
/// called by the install pipeline when it registers an app.
/// </summary>
/// <remarks>
/// 1. parse the text with <see cref="IniDocument"/>;
/// 2. take the first <c>[supervisord]</c> or <c>[program:x]</c> section in file order (other sections are ignored);
/// 3. rename it <c>[program:&lt;APP_NAME&gt;]</c>, whatever the app called it, so one app is one program;
/// 4. keep the app's keys as written, then add each seed default the app did not set: <c>stdout_logfile</c>
///    (<c>&lt;logdir&gt;/&lt;APP_NAME&gt;.log</c>), <c>redirect_stderr=true</c>, <c>stdout_logfile_maxbytes=200KB</c>,
///    <c>stdout_logfile_backups=1</c>; the seed's <c>command</c> default is a placeholder, so a missing
///    <c>command</c> is an error here: a supervised app needs one;
/// 5. read the merged section as the supervisor will, so a bad value (<c>startsecs=soon</c>) is refused here, before
///    the tarball is extracted or its install.sh runs, with the line of the app's own supervisor.conf.
/// </remarks>
internal static class SupervisorConfMerge
{
    /// <summary>Merges; on failure returns <see langword="false"/> and one line saying why.</summary>
    /// <param name="confText">The app's <c>supervisor.conf</c>.</param>
    /// <param name="appName">The NAME of the app's tarball.</param>
    /// <param name="logDirectory">Where the app's log goes (the seed's <c>/var/log</c>).</param>
    /// <param name="program">The merged program.</param>
    /// <param name="error">Why the merge failed.</param>
    /// <param name="context">What <c>%(here)s</c> and <c>%(ENV_X)s</c> expand to; null for a check before the app has a
    /// directory (a conf in <c>/</c>, gwe's environment).</param>
    public static bool TryMerge(string confText, string appName, string logDirectory, out SupervisedProgram program, out string error, ConfContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(confText);
        ArgumentNullException.ThrowIfNull(appName);
        ArgumentNullException.ThrowIfNull(logDirectory);
        program = new SupervisedProgram(string.Empty, [], string.Empty);
        if (!TarballName.IsValidName(appName, out error))
        {
            error = $"app name: {error}";
            return false;
        }

        if (!IniDocument.TryParse(confText, out var document, out var iniError))
        {
            error = $"supervisor.conf: {iniError}";
            return false;
        }

        var section = document.Sections.FirstOrDefault(
            s => s.Name == "supervisord" || s.Name.StartsWith("program:", StringComparison.Ordinal));
        if (section is null)
        {
            error = "supervisor.conf has no [program:x] or [supervisord] section";
            return false;
        }

        if (string.IsNullOrWhiteSpace(section["command"]))
        {
            error = $"supervisor.conf [{section.Name}] has no command: a supervised app needs one";
            return false;
        }

        var entries = new List<KeyValuePair<string, string>>(section.Entries);
        var defaults = new KeyValuePair<string, string>[]
        {
            new("stdout_logfile", Path.Join(logDirectory, appName + ".log")),
            new("redirect_stderr", "true"),
            new("stdout_logfile_maxbytes", "200KB"),
            new("stdout_logfile_backups", "1"),
        };
        foreach (var pair in defaults)
        {
            if (section[pair.Key] is null)
            {
                entries.Add(pair);
            }
        }

        var name = "program:" + appName;
        var read = ProgramConfigReader.Read(new IniSection(name, section.Line, entries, section.KeyLines), context ?? ConfContext.ForFile("/supervisor.conf"));
        if (read.Error is not null)
        {
            error = $"supervisor.conf line {section.LineOf(read.ErrorKey ?? string.Empty)}: {read.Error}";
            return false;
        }

        program = new SupervisedProgram(name, entries, Render(name, entries));
        error = string.Empty;
        return true;
    }

    /// <summary>Renders one section; a multi-line value continues on indented lines, as supervisord reads it.</summary>
    private static string Render(string name, IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        var sb = new StringBuilder();
        sb.Append('[').Append(name).Append("]\n");
        foreach (var (key, value) in entries)
        {
            sb.Append(key).Append('=').Append(value.Replace("\n", "\n    ", StringComparison.Ordinal)).Append('\n');
        }

        return sb.ToString();
    }
}
