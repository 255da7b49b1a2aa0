using Outpost.Gateway.Apps;
using Outpost.Gateway.Supervisor.Config;

namespace Outpost.Gateway.Tests.Apps;

public sealed class SupervisorConfMergeTests
{
    [Fact]
    public void TryMerge_SeedConf_RenamesAndAddsEveryDefault()
    {
        Assert.True(SupervisorConfMerge.TryMerge("[program:test_app]\ncommand = python test_app.py\n", "test_app", "/var/log", out var program, out var error), error);

        Assert.Equal("program:test_app", program.SectionName);
        Assert.Equal(
            [
                new("command", "python test_app.py"),
                new("stdout_logfile", "/var/log/test_app.log"),
                new("redirect_stderr", "true"),
                new("stdout_logfile_maxbytes", "200KB"),
                new("stdout_logfile_backups", "1"),
            ],
            program.Entries);
        Assert.Equal(
            "[program:test_app]\ncommand=python test_app.py\nstdout_logfile=/var/log/test_app.log\nredirect_stderr=true\nstdout_logfile_maxbytes=200KB\nstdout_logfile_backups=1\n",
            program.IniText);
    }

    [Fact]
    public void TryMerge_SupervisordSection_IsRenamedToTheAppName()
    {
        Assert.True(SupervisorConfMerge.TryMerge("[supervisord]\ncommand=./run\n", "temp_app", "/logs", out var program, out _));
        Assert.Equal("program:temp_app", program.SectionName);
        Assert.StartsWith("[program:temp_app]\ncommand=./run\n", program.IniText, StringComparison.Ordinal);
    }

    [Fact]
    public void TryMerge_AppValues_WinOverDefaults_AndKeepTheirOrder()
    {
        const string conf = "[program:other]\nstdout_logfile_maxbytes = 1MB\ncommand = ./app\nREDIRECT_STDERR = false\nautorestart = true\n";
        Assert.True(SupervisorConfMerge.TryMerge(conf, "app", "/var/log", out var program, out _));

        Assert.Equal(["stdout_logfile_maxbytes", "command", "redirect_stderr", "autorestart", "stdout_logfile", "stdout_logfile_backups"], program.Entries.Select(e => e.Key));
        Assert.Equal("1MB", program["stdout_logfile_maxbytes"]);
        Assert.Equal("false", program["redirect_stderr"]);
    }

    [Fact]
    public void TryMerge_FirstMatchingSectionWins_OthersIgnored()
    {
        const string conf = "[unix_http_server]\nfile=/tmp/x\n[program:first]\ncommand=one\n[program:second]\ncommand=two\n";
        Assert.True(SupervisorConfMerge.TryMerge(conf, "app", "/var/log", out var program, out _));
        Assert.Equal("one", program["command"]);
        Assert.DoesNotContain("two", program.IniText, StringComparison.Ordinal);
    }

    [Fact]
    public void TryMerge_MultiLineValue_RendersAsContinuationAndParsesBack()
    {
        const string conf = "[program:x]\ncommand=./run\nenvironment=A=\"1\",\n  B=\"2\"\n";
        Assert.True(SupervisorConfMerge.TryMerge(conf, "app", "/var/log", out var program, out _));

        Assert.True(IniDocument.TryParse(program.IniText, out var back, out var error), error);
        Assert.Equal("A=\"1\",\nB=\"2\"", back.Find("program:app")!["environment"]);
    }

    [Theory]
    [InlineData("[program:x]\nautorestart=true\n", "has no command: a supervised app needs one")]
    [InlineData("[program:x]\ncommand=\n", "has no command")]
    [InlineData("[unix_http_server]\nfile=/tmp/x\n", "no [program:x] or [supervisord] section")]
    [InlineData("command=x\n", "supervisor.conf: line 1:")]
    [InlineData("", "no [program:x] or [supervisord] section")]
    [InlineData("[supervisord]\ncommand=./run\n\nstartsecs=soon\n", "supervisor.conf line 4: [program:app] startsecs: 'soon' is not a whole number ≥ 0")]
    [InlineData("[program:x]\ncommand=./run\nstopsignal=FOO\n", "supervisor.conf line 3: [program:app] stopsignal: 'FOO' is not one of")]
    [InlineData("[program:x]\ncommand=./run 'open\n", "supervisor.conf line 2: [program:app] command:")]
    [InlineData("[program:x]\ncommand=./run\nstdout_logfile=%(nosuch)s\n", "supervisor.conf line 3: [program:app] stdout_logfile:")]
    public void TryMerge_BadConf_SaysWhy(string conf, string expected)
    {
        Assert.False(SupervisorConfMerge.TryMerge(conf, "app", "/var/log", out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryMerge_BadAppName_IsRejected()
    {
        Assert.False(SupervisorConfMerge.TryMerge("[program:x]\ncommand=y\n", "a]b", "/var/log", out _, out var error));
        Assert.StartsWith("app name:", error, StringComparison.Ordinal);
    }
}
