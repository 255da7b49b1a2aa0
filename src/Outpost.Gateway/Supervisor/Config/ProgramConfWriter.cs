using System.Globalization;
using System.Text;

namespace Outpost.Gateway.Supervisor.Config;

/// <summary>Renders a <see cref="ProgramConfig"/> back into a supervisord <c>[program:NAME]</c> section.</summary>
/// <remarks>
/// Called by the supervisord backend, which hands supervisord one file per app. Every setting is written explicitly
/// (supervisord's defaults and ours agree, but explicit text says what gwe meant); <c>AUTO</c> logs become paths in
/// gwe's log directory so <c>gwe tail</c> finds them whichever process manager writes them. Values are already
/// expanded, so a literal <c>%</c> is doubled to keep supervisord from expanding it again.
/// </remarks>
internal static class ProgramConfWriter
{
    /// <summary>The first line of every file gwe writes; files without it are never touched.</summary>
    public const string Marker = "; written by gwe from its conf.d; edits here are overwritten";

    /// <summary>The section text, starting with <see cref="Marker"/> and ending in a newline.</summary>
    public static string Write(ProgramConfig program, string logDirectory)
    {
        ArgumentNullException.ThrowIfNull(program);
        var sb = new StringBuilder();
        sb.Append(Marker).Append('\n');
        sb.Append("[program:").Append(program.Name).Append("]\n");
        Line(sb, "command", Escape(CommandFor(program)));
        if (program.Directory is { } directory)
        {
            Line(sb, "directory", Escape(directory));
        }

        if (program.Environment.Count > 0)
        {
            Line(sb, "environment", string.Join(',', program.Environment.Select(kv => $"{kv.Key}=\"{Escape(kv.Value).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"")));
        }

        if (program.User is { } user)
        {
            Line(sb, "user", user);
        }

        Line(sb, "autostart", Bool(program.AutoStart));
        Line(sb, "autorestart", program.AutoRestart switch { AutoRestart.Always => "true", AutoRestart.Never => "false", _ => "unexpected" });
        Line(sb, "exitcodes", string.Join(',', program.ExitCodes.Select(c => c.ToString(CultureInfo.InvariantCulture))));
        Line(sb, "startsecs", Number(program.StartSecs));
        Line(sb, "startretries", Number(program.StartRetries));
        Line(sb, "stopsignal", program.StopSignal.ToString().ToUpperInvariant());
        Line(sb, "stopwaitsecs", Number(program.StopWaitSecs));
        Line(sb, "stopasgroup", Bool(program.StopAsGroup));
        Line(sb, "killasgroup", Bool(program.KillAsGroup));
        Line(sb, "priority", Number(program.Priority));
        Line(sb, "redirect_stderr", Bool(program.RedirectStderr));
        Log(sb, "stdout", program.Stdout, LogPath(program.Name, program.Stdout, "stdout", logDirectory));
        if (!program.RedirectStderr)
        {
            Log(sb, "stderr", program.Stderr, LogPath(program.Name, program.Stderr, "stderr", logDirectory));
        }

        foreach (var (key, value) in program.UnknownKeys)
        {
            Line(sb, key, value);
        }

        return sb.ToString();
    }

    /// <summary>Where the stream's log goes: the configured path, the built-in supervisor's <c>AUTO</c> name, or none.</summary>
    public static string? LogPath(string name, ProgramLogConfig log, string stream, string logDirectory)
    {
        ArgumentNullException.ThrowIfNull(log);
        return log.Mode switch
        {
            LogFileMode.None => null,
            LogFileMode.File => log.Path,
            _ => Path.Combine(logDirectory, $"{name}-{stream}.log"),
        };
    }

    /// <summary>
    /// The command as supervisord must see it. supervisord looks a relative program path (<c>./app.sh</c>) up from its
    /// own working directory, not from the program's <c>directory</c> as gwe's supervisor does — and an app tarball's
    /// <c>command=./test_app.sh</c> relies on that — so such a path is made absolute against <c>directory</c>.
    /// </summary>
    private static string CommandFor(ProgramConfig program)
    {
        var first = program.Arguments[0];
        // A relative directory= gives nothing to anchor to (and Path.GetFullPath would throw): written as it came.
        if (program.Directory is not { } directory || !Path.IsPathRooted(directory) || !first.Contains('/', StringComparison.Ordinal) || Path.IsPathRooted(first))
        {
            return program.Command;
        }

        return string.Join(' ', program.Arguments.Skip(1).Prepend(Path.GetFullPath(first, directory)).Select(Quote));
    }

    /// <summary>A word as supervisord's shlex split gives it back: bare when plain, else single-quoted.</summary>
    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "_@%+=:,./-".Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static void Log(StringBuilder sb, string stream, ProgramLogConfig log, string? path)
    {
        Line(sb, $"{stream}_logfile", path is null ? "NONE" : Escape(path));
        Line(sb, $"{stream}_logfile_maxbytes", log.MaxBytes.ToString(CultureInfo.InvariantCulture));
        Line(sb, $"{stream}_logfile_backups", Number(log.Backups));
    }

    private static void Line(StringBuilder sb, string key, string value) => sb.Append(key).Append('=').Append(value).Append('\n');

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string value) => value.Replace("%", "%%", StringComparison.Ordinal);
}
