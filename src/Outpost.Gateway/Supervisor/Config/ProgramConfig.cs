namespace Outpost.Gateway.Supervisor.Config;

/// <summary>One <c>[program:NAME]</c> section, read and checked: everything the supervisor needs to run the program.</summary>
/// <remarks>
/// Defaults are supervisord's. Equality compares every setting (lists and maps by content) so <c>update</c> can tell
/// a changed program from an unchanged one.
/// </remarks>
internal sealed record ProgramConfig
{
    /// <summary>The NAME of <c>[program:NAME]</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The <c>command</c> value as written (after <c>%(…)s</c> expansion).</summary>
    public required string Command { get; init; }

    /// <summary>The command split shell-style; element 0 is the program, resolved against PATH at spawn time.</summary>
    public required IReadOnlyList<string> Arguments { get; init; }

    /// <summary><c>directory</c>: the working directory, or <see langword="null"/> to inherit the supervisor's.</summary>
    public string? Directory { get; init; }

    /// <summary><c>environment</c>: variables added to the supervisor's own environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary><c>user</c>: the account to run as (honoured when the supervisor runs as root).</summary>
    public string? User { get; init; }

    /// <summary><c>autostart</c>.</summary>
    public bool AutoStart { get; init; } = true;

    /// <summary><c>autorestart</c>.</summary>
    public AutoRestart AutoRestart { get; init; } = AutoRestart.Unexpected;

    /// <summary><c>exitcodes</c>: the expected exit codes.</summary>
    public IReadOnlyList<int> ExitCodes { get; init; } = [0];

    /// <summary><c>startsecs</c>: how long the process must stay up to count as started.</summary>
    public int StartSecs { get; init; } = 1;

    /// <summary><c>startretries</c>: failed starts allowed before FATAL.</summary>
    public int StartRetries { get; init; } = 3;

    /// <summary><c>stopsignal</c>.</summary>
    public UnixSignal StopSignal { get; init; } = UnixSignal.Term;

    /// <summary><c>stopwaitsecs</c>: how long to wait after the stop signal before SIGKILL.</summary>
    public int StopWaitSecs { get; init; } = 10;

    /// <summary><c>stopasgroup</c>: send the stop signal to the whole process group.</summary>
    public bool StopAsGroup { get; init; }

    /// <summary><c>killasgroup</c>: send SIGKILL to the whole process group (defaults to <see cref="StopAsGroup"/>).</summary>
    public bool KillAsGroup { get; init; }

    /// <summary><c>priority</c>: lower starts first and stops last.</summary>
    public int Priority { get; init; } = 999;

    /// <summary><c>redirect_stderr</c>: stderr goes to the stdout log.</summary>
    public bool RedirectStderr { get; init; }

    /// <summary><c>stdout_logfile</c> and its size settings.</summary>
    public ProgramLogConfig Stdout { get; init; } = ProgramLogConfig.Default;

    /// <summary><c>stderr_logfile</c> and its size settings.</summary>
    public ProgramLogConfig Stderr { get; init; } = ProgramLogConfig.Default;

    /// <summary>Keys this supervisor does not honour, kept as written so nothing in the file is lost.</summary>
    public IReadOnlyDictionary<string, string> UnknownKeys { get; init; } = new Dictionary<string, string>();

    /// <inheritdoc />
    public bool Equals(ProgramConfig? other) =>
        other is not null
        && Name == other.Name
        && Command == other.Command
        && Arguments.SequenceEqual(other.Arguments)
        && Directory == other.Directory
        && SameMap(Environment, other.Environment)
        && User == other.User
        && AutoStart == other.AutoStart
        && AutoRestart == other.AutoRestart
        && ExitCodes.SequenceEqual(other.ExitCodes)
        && StartSecs == other.StartSecs
        && StartRetries == other.StartRetries
        && StopSignal == other.StopSignal
        && StopWaitSecs == other.StopWaitSecs
        && StopAsGroup == other.StopAsGroup
        && KillAsGroup == other.KillAsGroup
        && Priority == other.Priority
        && RedirectStderr == other.RedirectStderr
        && Stdout == other.Stdout
        && Stderr == other.Stderr
        && SameMap(UnknownKeys, other.UnknownKeys);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Command, Priority, StartSecs);

    private static bool SameMap(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
