using Outpost.Gateway.Supervisor;
using Outpost.Gateway.Supervisor.Config;

namespace Outpost.Gateway.Tests.Supervisor;

public sealed class ProgramConfigReaderTests
{
    private static readonly ConfContext Context = new("/opt/gwe", new Dictionary<string, string> { ["LEVEL"] = "debug" }, "gw-1");

    [Fact]
    public void Read_MinimalSection_HasSupervisordDefaults()
    {
        var c = Read("command=/bin/app");

        Assert.Equal("app", c.Name);
        Assert.Equal(["/bin/app"], c.Arguments);
        Assert.True(c.AutoStart);
        Assert.Equal(AutoRestart.Unexpected, c.AutoRestart);
        Assert.Equal([0], c.ExitCodes);
        Assert.Equal(1, c.StartSecs);
        Assert.Equal(3, c.StartRetries);
        Assert.Equal(UnixSignal.Term, c.StopSignal);
        Assert.Equal(10, c.StopWaitSecs);
        Assert.False(c.StopAsGroup);
        Assert.False(c.KillAsGroup);
        Assert.Equal(999, c.Priority);
        Assert.False(c.RedirectStderr);
        Assert.Equal(new ProgramLogConfig(LogFileMode.Auto, null, 50L * 1024 * 1024, 10), c.Stdout);
        Assert.Equal(ProgramLogConfig.Default, c.Stderr);
        Assert.Null(c.Directory);
        Assert.Null(c.User);
        Assert.Empty(c.Environment);
        Assert.Empty(c.UnknownKeys);
    }

    [Fact]
    public void Read_EveryHonouredKey_IsApplied()
    {
        var c = Read("""
            command=%(here)s/bin/%(program_name)s --level=%(ENV_LEVEL)s --host %(host_node_name)s --pct 100%%
            directory=%(here)s
            environment=A="1",B=two
            user=nobody
            autostart=false
            autorestart=true
            exitcodes=0, 2 ,3
            startsecs=0
            startretries=7
            stopsignal=SIGINT
            stopwaitsecs=2
            stopasgroup=yes
            priority=-5
            redirect_stderr=on
            stdout_logfile=logs/%(program_name)s.out
            stdout_logfile_maxbytes=1KB
            stdout_logfile_backups=0
            stderr_logfile=NONE
            stderr_logfile_maxbytes=0
            stderr_logfile_backups=4
            """);

        Assert.Equal(["/opt/gwe/bin/app", "--level=debug", "--host", "gw-1", "--pct", "100%"], c.Arguments);
        Assert.Equal("/opt/gwe", c.Directory);
        Assert.Equal("1", c.Environment["A"]);
        Assert.Equal("two", c.Environment["B"]);
        Assert.Equal("nobody", c.User);
        Assert.False(c.AutoStart);
        Assert.Equal(AutoRestart.Always, c.AutoRestart);
        Assert.Equal([0, 2, 3], c.ExitCodes);
        Assert.Equal(0, c.StartSecs);
        Assert.Equal(7, c.StartRetries);
        Assert.Equal(UnixSignal.Int, c.StopSignal);
        Assert.Equal(2, c.StopWaitSecs);
        Assert.True(c.StopAsGroup);
        Assert.True(c.KillAsGroup);
        Assert.Equal(-5, c.Priority);
        Assert.True(c.RedirectStderr);
        Assert.Equal(new ProgramLogConfig(LogFileMode.File, "/opt/gwe/logs/app.out", 1024, 0), c.Stdout);
        Assert.Equal(new ProgramLogConfig(LogFileMode.None, null, 0, 4), c.Stderr);
    }

    [Theory]
    [InlineData("TERM", "Term")]
    [InlineData("sigterm", "Term")]
    [InlineData("HUP", "Hup")]
    [InlineData("INT", "Int")]
    [InlineData("QUIT", "Quit")]
    [InlineData("KILL", "Kill")]
    [InlineData("USR1", "Usr1")]
    [InlineData("SIGUSR2", "Usr2")]
    [InlineData("15", "Term")]
    [InlineData("9", "Kill")]
    public void Read_Stopsignal_AcceptsNamesAndNumbers(string value, string expected)
    {
        Assert.Equal(expected, Read($"command=x\nstopsignal={value}").StopSignal.ToString());
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("123", 123L)]
    [InlineData("1KB", 1024L)]
    [InlineData("5kb", 5120L)]
    [InlineData("50MB", 52428800L)]
    [InlineData("1GB", 1073741824L)]
    [InlineData(" 2 MB ", 2097152L)]
    public void Read_Maxbytes_AcceptsSizeSuffixes(string value, long expected)
    {
        Assert.Equal(expected, Read($"command=x\nstderr_logfile_maxbytes={value}").Stderr.MaxBytes);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("on", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("No", false)]
    [InlineData("off", false)]
    [InlineData("0", false)]
    public void Read_Booleans_AcceptSupervisordWords(string value, bool expected)
    {
        Assert.Equal(expected, Read($"command=x\nautostart={value}").AutoStart);
    }

    [Theory]
    [InlineData("unexpected", "Unexpected")]
    [InlineData("TRUE", "Always")]
    [InlineData("false", "Never")]
    public void Read_Autorestart_ThreeValues(string value, string expected)
    {
        Assert.Equal(expected, Read($"command=x\nautorestart={value}").AutoRestart.ToString());
    }

    [Theory]
    [InlineData("stdout_logfile=AUTO", "Auto")]
    [InlineData("stdout_logfile=none", "None")]
    [InlineData("stdout_logfile=", "None")]
    [InlineData("stdout_logfile=/var/log/app.log", "File")]
    public void Read_Logfile_AutoNoneOrPath(string line, string expected)
    {
        Assert.Equal(expected, Read($"command=x\n{line}").Stdout.Mode.ToString());
    }

    [Fact]
    public void Read_KillasgroupExplicitlyTrue_WithoutStopasgroup()
    {
        var c = Read("command=x\nkillasgroup=true");

        Assert.False(c.StopAsGroup);
        Assert.True(c.KillAsGroup);
    }

    [Fact]
    public void Read_UnknownKeys_AreKeptAndWarnedAbout()
    {
        var result = ReadResult("command=x\nnumprocs=1\numask=022");

        Assert.True(result.Ok);
        Assert.Equal("022", result.Config!.UnknownKeys["umask"]);
        Assert.Equal(
            [
                "[program:app] numprocs: not supported by the built-in supervisor; kept and ignored",
                "[program:app] umask: not supported by the built-in supervisor; kept and ignored",
            ],
            result.Warnings);
    }

    [Fact]
    public void Read_StderrLogfileWithRedirect_Warns()
    {
        var result = ReadResult("command=x\nredirect_stderr=true\nstderr_logfile=/tmp/e.log");

        Assert.Equal(["[program:app] stderr_logfile: ignored because redirect_stderr is true"], result.Warnings);
    }

    [Theory]
    [InlineData("directory=/x", "[program:app] command: missing; every program needs a command")]
    [InlineData("command=   ", "[program:app] command: missing; every program needs a command")]
    [InlineData("command=''", "[program:app] command: empty after splitting")]
    [InlineData("command=app 'open", "[program:app] command: no closing quotation (')")]
    [InlineData("command=%(nope)s", "[program:app] command: '%(nope)s' names nothing that can be expanded (available: group_name, here, host_node_name, numprocs, process_num, program_name, ENV_<variable>)")]
    [InlineData("command=x\nautostart=maybe", "[program:app] autostart: 'maybe' is not a boolean (use true or false)")]
    [InlineData("command=x\nautorestart=sometimes", "[program:app] autorestart: 'sometimes' must be true, false or unexpected")]
    [InlineData("command=x\nexitcodes=0,x", "[program:app] exitcodes: 'x' is not an exit code (0-255)")]
    [InlineData("command=x\nexitcodes=256", "[program:app] exitcodes: '256' is not an exit code (0-255)")]
    [InlineData("command=x\nstartsecs=-1", "[program:app] startsecs: '-1' is not a whole number ≥ 0")]
    [InlineData("command=x\nstartretries=three", "[program:app] startretries: 'three' is not a whole number ≥ 0")]
    [InlineData("command=x\nstopwaitsecs=1.5", "[program:app] stopwaitsecs: '1.5' is not a whole number ≥ 0")]
    [InlineData("command=x\nstopsignal=WINCH", "[program:app] stopsignal: 'WINCH' is not one of TERM, HUP, INT, QUIT, KILL, USR1, USR2")]
    [InlineData("command=x\nstopsignal=28", "[program:app] stopsignal: '28' is not one of TERM, HUP, INT, QUIT, KILL, USR1, USR2")]
    [InlineData("command=x\npriority=high", "[program:app] priority: 'high' is not an integer")]
    [InlineData("command=x\nstdout_logfile_maxbytes=10TB", "[program:app] stdout_logfile_maxbytes: '10TB' is not a size (a number with an optional KB, MB or GB)")]
    [InlineData("command=x\nstdout_logfile_backups=-1", "[program:app] stdout_logfile_backups: '-1' is not a whole number ≥ 0")]
    [InlineData("command=x\nstderr_logfile=syslog", "[program:app] stderr_logfile: syslog is not supported by the built-in supervisor; give a path, AUTO or NONE")]
    [InlineData("command=x\nenvironment=A=1 2", "[program:app] environment: the value of A contains white space; put it in quotes")]
    [InlineData("command=x\nstopasgroup=true\nkillasgroup=false", "[program:app] killasgroup: cannot be false when stopasgroup is true")]
    [InlineData("command=x\nkillasgroup=perhaps", "[program:app] killasgroup: 'perhaps' is not a boolean (use true or false)")]
    [InlineData("command=x\nredirect_stderr=2", "[program:app] redirect_stderr: '2' is not a boolean (use true or false)")]
    public void Read_BadValue_FailsNamingSectionAndKey(string body, string expected)
    {
        var result = ReadResult(body);

        Assert.False(result.Ok);
        Assert.Equal(expected, result.Error);
    }

    [Theory]
    [InlineData("program:", "[program:]: a program name must be non-empty without spaces, ':' or '/'")]
    [InlineData("program:a b", "[program:a b]: a program name must be non-empty without spaces, ':' or '/'")]
    [InlineData("program:a:b", "[program:a:b]: a program name must be non-empty without spaces, ':' or '/'")]
    [InlineData("supervisord", "[supervisord] is not a [program:NAME] section")]
    public void Read_BadSectionName_Fails(string section, string expected)
    {
        var result = ProgramConfigReader.Read(new IniSection(section, 1, [new("command", "x")]), Context);

        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public void Equality_ComparesListsAndMapsByContent()
    {
        var a = Read("command=x y\nexitcodes=0,2\nenvironment=A=1");
        var b = Read("command=x y\nexitcodes=0,2\nenvironment=A=1");
        var c = Read("command=x y\nexitcodes=0,2\nenvironment=A=2");

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, a with { Priority = 1 });
    }

    [Fact]
    public void ConfFile_ReadsProgramsAndSkipsSupervisordSections()
    {
        var text = """
            [unix_http_server] ; socket
            file=/tmp/supervisor.sock
            [supervisord]
            logfile=/tmp/supervisord.log
            [program:gmq]
            command=/usr/bin/gmq
            [group:apps]
            programs=gmq
            [weird]
            x=1
            [program:app]
            command=/opt/app --x
            numprocs=1
            """;

        var result = SupervisorConfFile.Read(text, "/etc/gwe/supervisor.conf", Context);

        Assert.Null(result.Error);
        Assert.Equal(["gmq", "app"], result.Programs.Select(p => p.Name));
        Assert.Equal(
            [
                "/etc/gwe/supervisor.conf line 7: [group:apps] is not supported by the built-in supervisor; ignored",
                "/etc/gwe/supervisor.conf line 9: [weird] is not understood; ignored",
                "/etc/gwe/supervisor.conf: [program:app] numprocs: not supported by the built-in supervisor; kept and ignored",
            ],
            result.Warnings);
    }

    [Theory]
    [InlineData("[program:a]\nstartsecs=1\n", "/c.conf line 1: [program:a] command: missing; every program needs a command")]
    [InlineData("k=v\n", "/c.conf line 1: 'k=v' comes before any [section]")]
    [InlineData("[program:a]\ncommand=sleep 9\n\nstartsecs=-1\n", "/c.conf line 4: [program:a] startsecs: '-1' is not a whole number ≥ 0")]
    [InlineData("[program:a]\ncommand=sleep 9\nstopasgroup=true\nkillasgroup=false\n", "/c.conf line 4: [program:a] killasgroup: cannot be false when stopasgroup is true")]
    [InlineData("[program:a]\ncommand=sleep 9\ndirectory=%(nope)s\n", "/c.conf line 3: [program:a] directory: '%(nope)s' names nothing that can be expanded")]
    public void ConfFile_Error_NamesFileAndLine(string text, string expected)
    {
        var result = SupervisorConfFile.Read(text, "/c.conf", Context);

        Assert.StartsWith(expected, result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Programs);
    }

    private static ProgramConfig Read(string body)
    {
        var result = ReadResult(body);
        Assert.True(result.Ok, result.Error);
        return result.Config!;
    }

    private static ProgramConfigResult ReadResult(string body)
    {
        Assert.True(IniDocument.TryParse("[program:app]\n" + body + "\n", out var doc, out var error), error);
        return ProgramConfigReader.Read(doc.Sections[0], Context);
    }
}
