using Outpost.Gateway.Daemon;
using Outpost.Gateway.Engine;
using Outpost.Gateway.Supervisor.Config;
using Outpost.Gateway.Supervisor.Supervisord;

namespace Outpost.Gateway.Tests.Daemon;

/// <summary>The daemon's pure parts: engine.conf, the XML-RPC envelope, rendering a program for supervisord, reread's diff.</summary>
public sealed class DaemonCoreTests
{
    [Fact]
    public void EngineConf_DefaultsAndSupervisordSettings()
    {
        Assert.Equal(HostingConfig.Default, EngineConfigReader.ReadFile("/nonexistent/engine.conf").Config);

        var read = EngineConfigReader.Read("[engine]\nprocess_manager = supervisord\nsupervisord_socket = /run/s.sock\nsupervisord_include_dir = /etc/s\nfuture = 1\n[gmq]\nurl = x\n[odd]\n", "engine.conf");

        Assert.Equal(new HostingConfig { ProcessManager = ProcessManagerKind.Supervisord, SupervisordSocket = "/run/s.sock", SupervisordIncludeDir = "/etc/s" }, read.Config);
        Assert.Equal(["engine.conf line 5: [engine] future is not understood; ignored", "engine.conf line 8: [odd] is not understood; ignored"], read.Warnings);
    }

    [Theory]
    [InlineData("[engine]\nprocess_manager = docker\n", "engine.conf line 2: [engine] process_manager: 'docker' is not builtin or supervisord")]
    [InlineData("[engine]\nsupervisord_socket = relative.sock\n", "engine.conf line 2: [engine] supervisord_socket: 'relative.sock' is not an absolute path")]
    [InlineData("process_manager = builtin\n", "engine.conf line 1: ")]
    public void EngineConf_BadValues_AreOneLine(string text, string expectedStart)
    {
        var read = EngineConfigReader.Read(text, "engine.conf");

        Assert.Null(read.Config);
        Assert.StartsWith(expectedStart, read.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void XmlRpc_CallEnvelope()
    {
        Assert.Equal(
            "<?xml version=\"1.0\"?><methodCall><methodName>supervisor.startProcess</methodName><params><param><value><string>a&amp;b</string></value></param><param><value><boolean>1</boolean></value></param><param><value><int>7</int></value></param></params></methodCall>",
            XmlRpc.Call("supervisor.startProcess", "a&b", true, 7));
    }

    [Fact]
    public void XmlRpc_ParsesSupervisordShapes()
    {
        var value = XmlRpc.ParseResponse("""
            <?xml version='1.0'?>
            <methodResponse><params><param><value><array><data>
              <value><struct>
                <member><name>name</name><value><string>app</string></value></member>
                <member><name>pid</name><value><int>42</int></value></member>
                <member><name>ok</name><value><boolean>1</boolean></value></member>
                <member><name>untyped</name><value>plain</value></member>
                <member><name>empty</name><value><array><data></data></array></value></member>
              </struct></value>
            </data></array></value></param></params></methodResponse>
            """);

        var info = Assert.IsType<Dictionary<string, object?>>(Assert.Single(Assert.IsType<List<object?>>(value)));
        Assert.Equal("app", info["name"]);
        Assert.Equal(42, info["pid"]);
        Assert.Equal(true, info["ok"]);
        Assert.Equal("plain", info["untyped"]);
        Assert.Empty(Assert.IsType<List<object?>>(info["empty"]));
    }

    [Fact]
    public void XmlRpc_FaultBecomesXmlRpcFault()
    {
        var fault = Assert.Throws<XmlRpcFault>(() => XmlRpc.ParseResponse(
            "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>10</int></value></member><member><name>faultString</name><value><string>BAD_NAME: x</string></value></member></struct></value></fault></methodResponse>"));

        Assert.Equal((10, "BAD_NAME: x"), (fault.Code, fault.Text));
        Assert.Throws<FormatException>(() => XmlRpc.ParseResponse("<html/>"));
        Assert.Throws<FormatException>(() => XmlRpc.ParseResponse("not xml"));
    }

    [Fact]
    public void ProgramConfWriter_RoundTripsThroughTheReader()
    {
        var original = Program("""
            [program:app]
            command=/bin/sh -c 'echo 100%% done'
            directory=/tmp
            environment=A="1",B="with space"
            autorestart=true
            exitcodes=0,2
            startsecs=3
            startretries=5
            stopsignal=INT
            stopwaitsecs=4
            stopasgroup=true
            killasgroup=true
            priority=7
            redirect_stderr=true
            stdout_logfile=/var/log/app.log
            stdout_logfile_maxbytes=200KB
            stdout_logfile_backups=1
            """);

        var text = ProgramConfWriter.Write(original, "/logs");
        var again = Program(text);

        Assert.StartsWith(ProgramConfWriter.Marker + "\n[program:app]\n", text, StringComparison.Ordinal);
        Assert.Equal(original, again);
    }

    [Fact]
    public void ProgramConfWriter_AutoLogsBecomePathsInGwesLogDirectory()
    {
        var text = ProgramConfWriter.Write(Program("[program:app]\ncommand=/bin/true\n"), "/home/gwe/logs");

        Assert.Contains("stdout_logfile=/home/gwe/logs/app-stdout.log\n", text, StringComparison.Ordinal);
        Assert.Contains("stderr_logfile=/home/gwe/logs/app-stderr.log\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ProgramConfWriter_RelativeCommand_IsMadeAbsoluteAgainstDirectory()
    {
        // supervisord looks ./run.sh up from its own cwd; gwe's supervisor (and a tarball's command=./app.sh) from directory.
        var text = ProgramConfWriter.Write(Program("[program:app]\ncommand=./bin/run.sh --name \"a b\" \"it's\" 50%%\ndirectory=/opt/app\n"), "/logs");
        var plain = ProgramConfWriter.Write(Program("[program:app]\ncommand=run.sh ./x\ndirectory=/opt/app\n"), "/logs");

        Assert.Contains("command=/opt/app/bin/run.sh --name 'a b' 'it'\\''s' 50%%\n", text, StringComparison.Ordinal);
        Assert.Equal(["/opt/app/bin/run.sh", "--name", "a b", "it's", "50%"], Program(text).Arguments);
        Assert.Contains("command=run.sh ./x\n", plain, StringComparison.Ordinal);

        // A relative directory anchors nothing: the command is written as it came (it threw before: a stack trace at
        // daemon start, gwe -I or an OTA install under supervisord).
        var relative = ProgramConfWriter.Write(Program("[program:app]\ncommand=./run.sh\ndirectory=app\n"), "/logs");
        Assert.Contains("command=./run.sh\n", relative, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_NamesAddedChangedRemoved()
    {
        var a = Program("[program:a]\ncommand=/bin/true\n");
        var b = Program("[program:b]\ncommand=/bin/true\n");
        var b2 = Program("[program:b]\ncommand=/bin/false\n");
        var c = Program("[program:c]\ncommand=/bin/true\n");

        var diff = SupervisorService.Diff([a, b], [b2, c]);

        Assert.Equal(["c"], diff.Added);
        Assert.Equal(["b"], diff.Changed);
        Assert.Equal(["a"], diff.Removed);
    }

    [Fact]
    public void ConfDirectory_ProgramDefinedTwice_IsAnError()
    {
        var dir = Directory.CreateTempSubdirectory("confd-").FullName;
        try
        {
            File.WriteAllText(Path.Join(dir, "a.conf"), "[program:x]\ncommand=/bin/true\n");
            File.WriteAllText(Path.Join(dir, "b.conf"), "[program:x]\ncommand=/bin/true\n");
            File.WriteAllText(Path.Join(dir, "ignored.txt"), "junk");

            var read = ConfDirectory.Read(dir);

            Assert.Equal($"{dir}/b.conf: [program:x] is already defined in {dir}/a.conf", read.Error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static ProgramConfig Program(string text)
    {
        var result = SupervisorConfFile.Read(text, "/etc/x.conf", new ConfContext("/etc", new Dictionary<string, string>(), "host"));
        Assert.Null(result.Error);
        return Assert.Single(result.Programs);
    }
}
