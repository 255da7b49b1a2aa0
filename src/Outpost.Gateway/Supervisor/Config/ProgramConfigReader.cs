using System.Globalization;

namespace Outpost.Gateway.Supervisor.Config;

/// <summary>Reads a <c>[program:NAME]</c> <see cref="IniSection"/> into a <see cref="ProgramConfig"/> with supervisord's rules.</summary>
/// <remarks>
/// Pure. Every value is expanded first (<c>%(here)s</c>, <c>%(program_name)s</c>, <c>%(group_name)s</c>,
/// <c>%(host_node_name)s</c>, <c>%(process_num)d</c>, <c>%(numprocs)d</c>, <c>%(ENV_X)s</c>, <c>%%</c>), as supervisord
/// 3.2+ does for all options, then parsed with supervisord's value types. The first bad value ends the read with one
/// line naming the section and key; keys this supervisor does not honour are kept and reported as warnings.
/// </remarks>
internal static class ProgramConfigReader
{
    private const string Prefix = "program:";

    private static readonly Dictionary<string, UnixSignal> Signals = new(StringComparer.OrdinalIgnoreCase)
    {
        ["TERM"] = UnixSignal.Term,
        ["HUP"] = UnixSignal.Hup,
        ["INT"] = UnixSignal.Int,
        ["QUIT"] = UnixSignal.Quit,
        ["KILL"] = UnixSignal.Kill,
        ["USR1"] = UnixSignal.Usr1,
        ["USR2"] = UnixSignal.Usr2,
    };

    /// <summary>Whether <paramref name="section"/> is a <c>[program:NAME]</c> section.</summary>
    public static bool IsProgramSection(IniSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return section.Name.StartsWith(Prefix, StringComparison.Ordinal);
    }

    /// <summary>Reads <paramref name="section"/> in <paramref name="context"/>.</summary>
    public static ProgramConfigResult Read(IniSection section, ConfContext context)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(context);
        var where = $"[{section.Name}]";
        if (!IsProgramSection(section))
        {
            return Fail($"{where} is not a [program:NAME] section");
        }

        var name = section.Name[Prefix.Length..];
        if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c is ':' or '/'))
        {
            return Fail($"{where}: a program name must be non-empty without spaces, ':' or '/'");
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["here"] = context.Here,
            ["program_name"] = name,
            ["group_name"] = name,
            ["host_node_name"] = context.HostName,
            ["process_num"] = "0",
            ["numprocs"] = "1",
        };
        foreach (var (k, v) in context.Environment)
        {
            names["ENV_" + k] = v;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, raw) in section.Entries)
        {
            if (!ConfExpansion.TryExpand(raw, names, out var expanded, out var why))
            {
                return Fail($"{where} {key}: {why}", key);
            }

            values[key] = expanded;
        }

        var warnings = new List<string>();
        var unknown = new Dictionary<string, string>(StringComparer.Ordinal);
        string? error = null;

        if (!values.TryGetValue("command", out var command) || command.Trim().Length == 0)
        {
            return Fail($"{where} command: missing; every program needs a command");
        }

        if (!ShellWords.TrySplit(command, out var argv, out var splitError))
        {
            return Fail($"{where} command: {splitError}", "command");
        }

        if (argv.Count == 0 || argv[0].Length == 0)
        {
            return Fail($"{where} command: empty after splitting", "command");
        }

        var config = new ProgramConfig { Name = name, Command = command, Arguments = argv };
        string? stderrLogfile = null;
        foreach (var (key, value) in values)
        {
            switch (key)
            {
                case "command":
                    break;
                case "directory":
                    config = config with { Directory = NonEmpty(value) };
                    break;
                case "environment":
                    if (EnvironmentList.TryParse(value, out var env, out var envError))
                    {
                        config = config with { Environment = env };
                    }
                    else
                    {
                        error ??= $"{where} environment: {envError}";
                    }

                    break;
                case "user":
                    config = config with { User = NonEmpty(value) };
                    break;
                case "autostart":
                    config = config with { AutoStart = Boolean(key, value) };
                    break;
                case "autorestart":
                    config = config with { AutoRestart = ParseAutoRestart(value) };
                    break;
                case "exitcodes":
                    config = config with { ExitCodes = ExitCodes(value) };
                    break;
                case "startsecs":
                    config = config with { StartSecs = Count(key, value) };
                    break;
                case "startretries":
                    config = config with { StartRetries = Count(key, value) };
                    break;
                case "stopsignal":
                    config = config with { StopSignal = Signal(value) };
                    break;
                case "stopwaitsecs":
                    config = config with { StopWaitSecs = Count(key, value) };
                    break;
                case "stopasgroup":
                    config = config with { StopAsGroup = Boolean(key, value) };
                    break;
                case "killasgroup":
                    break; // read after the loop: its default depends on stopasgroup
                case "priority":
                    config = config with { Priority = Integer(key, value) };
                    break;
                case "redirect_stderr":
                    config = config with { RedirectStderr = Boolean(key, value) };
                    break;
                case "stdout_logfile":
                    config = config with { Stdout = config.Stdout with { Mode = LogMode(key, value, out var p), Path = p } };
                    break;
                case "stdout_logfile_maxbytes":
                    config = config with { Stdout = config.Stdout with { MaxBytes = ByteSize(key, value) } };
                    break;
                case "stdout_logfile_backups":
                    config = config with { Stdout = config.Stdout with { Backups = Count(key, value) } };
                    break;
                case "stderr_logfile":
                    stderrLogfile = value;
                    config = config with { Stderr = config.Stderr with { Mode = LogMode(key, value, out var q), Path = q } };
                    break;
                case "stderr_logfile_maxbytes":
                    config = config with { Stderr = config.Stderr with { MaxBytes = ByteSize(key, value) } };
                    break;
                case "stderr_logfile_backups":
                    config = config with { Stderr = config.Stderr with { Backups = Count(key, value) } };
                    break;
                default:
                    unknown[key] = value;
                    warnings.Add($"{where} {key}: not supported by the built-in supervisor; kept and ignored");
                    break;
            }

            if (error is not null)
            {
                return Fail(error, key);
            }
        }

        var killAsGroup = values.TryGetValue("killasgroup", out var kag) ? Boolean("killasgroup", kag) : config.StopAsGroup;
        if (error is not null)
        {
            return Fail(error, "killasgroup");
        }

        // supervisord refuses this pair: a group told to stop must also be killed as a group, or children leak.
        if (config.StopAsGroup && !killAsGroup)
        {
            return Fail($"{where} killasgroup: cannot be false when stopasgroup is true", "killasgroup");
        }

        if (config.RedirectStderr && stderrLogfile is not null)
        {
            warnings.Add($"{where} stderr_logfile: ignored because redirect_stderr is true");
        }

        config = config with { KillAsGroup = killAsGroup, UnknownKeys = unknown };
        return new ProgramConfigResult(config, null, warnings);

        bool Boolean(string key, string value)
        {
            switch (value.Trim().ToLowerInvariant())
            {
                case "true" or "yes" or "on" or "1":
                    return true;
                case "false" or "no" or "off" or "0":
                    return false;
                default:
                    error ??= $"{where} {key}: '{value}' is not a boolean (use true or false)";
                    return false;
            }
        }

        int Count(string key, string value)
        {
            if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }

            error ??= $"{where} {key}: '{value}' is not a whole number ≥ 0";
            return 0;
        }

        int Integer(string key, string value)
        {
            if (int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }

            error ??= $"{where} {key}: '{value}' is not an integer";
            return 0;
        }

        AutoRestart ParseAutoRestart(string value)
        {
            switch (value.Trim().ToLowerInvariant())
            {
                case "unexpected":
                    return AutoRestart.Unexpected;
                case "true" or "yes" or "on" or "1":
                    return AutoRestart.Always;
                case "false" or "no" or "off" or "0":
                    return AutoRestart.Never;
                default:
                    error ??= $"{where} autorestart: '{value}' must be true, false or unexpected";
                    return AutoRestart.Unexpected;
            }
        }

        IReadOnlyList<int> ExitCodes(string value)
        {
            var codes = new List<int>();
            foreach (var part in value.Split(','))
            {
                if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code > 255)
                {
                    error ??= $"{where} exitcodes: '{part.Trim()}' is not an exit code (0-255)";
                    return [0];
                }

                codes.Add(code);
            }

            return codes;
        }

        UnixSignal Signal(string value)
        {
            var v = value.Trim();
            var bare = v.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? v[3..] : v;
            if (Signals.TryGetValue(bare, out var sig))
            {
                return sig;
            }

            if (int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && Enum.IsDefined((UnixSignal)number))
            {
                return (UnixSignal)number;
            }

            error ??= $"{where} stopsignal: '{value}' is not one of TERM, HUP, INT, QUIT, KILL, USR1, USR2";
            return UnixSignal.Term;
        }

        LogFileMode LogMode(string key, string value, out string? path)
        {
            path = null;
            var v = value.Trim();
            if (v.Equals("AUTO", StringComparison.OrdinalIgnoreCase))
            {
                return LogFileMode.Auto;
            }

            if (v.Equals("NONE", StringComparison.OrdinalIgnoreCase) || v.Length == 0)
            {
                return LogFileMode.None;
            }

            if (v.Equals("syslog", StringComparison.OrdinalIgnoreCase))
            {
                error ??= $"{where} {key}: syslog is not supported by the built-in supervisor; give a path, AUTO or NONE";
                return LogFileMode.None;
            }

            // Relative paths are taken from the conf file's directory: the supervisor's own cwd is not meaningful.
            path = Path.IsPathRooted(v) ? v : Path.GetFullPath(Path.Combine(context.Here, v));
            return LogFileMode.File;
        }

        long ByteSize(string key, string value)
        {
            var v = value.Trim().ToUpperInvariant();
            long multiplier = 1;
            if (v.EndsWith("KB", StringComparison.Ordinal))
            {
                multiplier = 1024;
            }
            else if (v.EndsWith("MB", StringComparison.Ordinal))
            {
                multiplier = 1024 * 1024;
            }
            else if (v.EndsWith("GB", StringComparison.Ordinal))
            {
                multiplier = 1024 * 1024 * 1024;
            }

            var digits = multiplier == 1 ? v : v[..^2].TrimEnd();
            if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= long.MaxValue / multiplier)
            {
                return n * multiplier;
            }

            error ??= $"{where} {key}: '{value}' is not a size (a number with an optional KB, MB or GB)";
            return 0;
        }

        static string? NonEmpty(string value) => value.Trim().Length == 0 ? null : value.Trim();

        static ProgramConfigResult Fail(string message, string? key = null) => new(null, message, []) { ErrorKey = key };
    }
}
