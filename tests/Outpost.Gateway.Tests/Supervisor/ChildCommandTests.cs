using Outpost.Gateway.Supervisor.Config;
using Outpost.Gateway.Supervisor.Hosting;

namespace Outpost.Gateway.Tests.Supervisor;

public sealed class ChildCommandTests
{
    private const string Passwd = "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
    private static readonly SpawnWrappers Both = new("/usr/bin/setsid", "/usr/bin/setpriv");

    [Fact]
    public void Build_WithWrappers_ExecsThroughSetsidAndSetprivWithPdeathsig()
    {
        var (cmd, error) = Build(Program("sh -c 'echo hi'"), Both);

        Assert.Null(error);
        Assert.Equal(["/usr/bin/setsid", "/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "/bin/sh", "-c", "echo hi"], cmd!.Argv);
        Assert.True(cmd.Isolated);
        Assert.Equal("1", cmd.Environment["SUPERVISOR_ENABLED"]);
        Assert.Equal("app", cmd.Environment["SUPERVISOR_PROCESS_NAME"]);
    }

    [Fact]
    public void Build_WithoutWrappers_ExecsTheProgramDirectlyAndIsNotIsolated()
    {
        var (cmd, _) = Build(Program("sh"), SpawnWrappers.None);

        Assert.Equal(["/bin/sh"], cmd!.Argv);
        Assert.False(cmd.Isolated);
    }

    [Fact]
    public void Build_User_AsRoot_SwitchesUidGidAndSetsHome()
    {
        var (cmd, error) = Build(Program("sh") with { User = "nobody" }, Both, isRoot: true);

        Assert.Null(error);
        Assert.Equal(
            ["/usr/bin/setsid", "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--init-groups", "--pdeathsig", "KILL", "--", "/bin/sh"],
            cmd!.Argv);
        Assert.Equal("/nonexistent", cmd.Environment["HOME"]);
        Assert.Equal("nobody", cmd.Environment["USER"]);
    }

    [Theory]
    [InlineData("nobody", false, "can't switch to user 'nobody': the supervisor is not running as root")]
    [InlineData("ghost", true, "can't find user 'ghost'")]
    public void Build_User_Errors(string user, bool isRoot, string expected)
    {
        Assert.Equal(expected, Build(Program("sh") with { User = user }, Both, isRoot).Error);
    }

    [Fact]
    public void Build_User_SameAsCurrent_NeedsNoSwitch()
    {
        var (cmd, error) = Build(Program("sh") with { User = "me" }, Both, isRoot: false);

        Assert.Null(error);
        Assert.DoesNotContain(cmd!.Argv, a => a.StartsWith("--reuid", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_ProgramEnvironment_OverridesSupervisorVariables()
    {
        var (cmd, _) = Build(Program("sh") with { Environment = new Dictionary<string, string> { ["A"] = "1", ["SUPERVISOR_ENABLED"] = "x" } }, Both);

        Assert.Equal("1", cmd!.Environment["A"]);
        Assert.Equal("x", cmd.Environment["SUPERVISOR_ENABLED"]);
    }

    [Theory]
    [InlineData("no-such-binary-xyz", "can't find command 'no-such-binary-xyz'")]
    [InlineData("/no/such/file", "can't find command '/no/such/file'")]
    [InlineData("/etc/passwd", "command at '/etc/passwd' is not executable")]
    public void Build_BadCommand_IsASpawnError(string program, string expected)
    {
        Assert.Equal(expected, Build(Program(program), Both).Error);
    }

    [Fact]
    public void Build_MissingDirectory_IsASpawnError()
    {
        Assert.Equal("couldn't chdir to /no/such/dir: no such directory", Build(Program("sh") with { Directory = "/no/such/dir" }, Both).Error);
    }

    [Fact]
    public void UserAccount_FindsByNameOrUid()
    {
        Assert.Equal("nobody", UserAccount.Find(Passwd, "65534")!.Name);
        Assert.Equal(0, UserAccount.Find(Passwd, "root")!.Uid);
        Assert.Null(UserAccount.Find(Passwd, "42"));
    }

    private static ProgramConfig Program(string command)
    {
        Assert.True(ShellWords.TrySplit(command, out var argv, out _));
        return new ProgramConfig { Name = "app", Command = command, Arguments = argv };
    }

    private static (ChildCommand? Command, string? Error) Build(ProgramConfig config, SpawnWrappers wrappers, bool isRoot = true) =>
        ChildCommand.Build(config, wrappers, "/nonexistent-dir:/bin", isRoot, "me", () => Passwd);
}
