using Outpost.Gateway.Supervisor;

namespace Outpost.Gateway.Tests.Supervisor;

public sealed class StatusTextTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 16, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, "0:00:00")]
    [InlineData(20, "0:00:20")]
    [InlineData(3661, "1:01:01")]
    [InlineData(86399, "23:59:59")]
    [InlineData(86400 + 62, "1 day, 0:01:02")]
    [InlineData((2 * 86400) + 3600, "2 days, 1:00:00")]
    public void Uptime_IsPythonTimedeltaText(int seconds, string expected)
    {
        Assert.Equal(expected, StatusText.Uptime(TimeSpan.FromSeconds(seconds) + TimeSpan.FromMilliseconds(900)));
    }

    [Theory]
    [InlineData("Running", "pid 579, uptime 0:00:20")]
    [InlineData("Exited", "Nov 23 04:05 PM")]
    [InlineData("Stopped", "Nov 23 04:05 PM")]
    [InlineData("Backoff", "Exited too quickly (process log may have details)")]
    [InlineData("Fatal", "Exited too quickly (process log may have details)")]
    [InlineData("Starting", "")]
    [InlineData("Stopping", "")]
    [InlineData("Unknown", "")]
    public void Describe_WordsEachStateLikeSupervisorctl(string state, string expected)
    {
        var text = StatusText.Describe(
            Enum.Parse<ProcessState>(state), "app", 579, TimeSpan.FromSeconds(20), Start, Start.AddMinutes(5), ProcessMachine.ExitedTooQuickly, TimeZoneInfo.Utc);

        Assert.Equal(expected, text);
    }

    [Fact]
    public void Describe_NeverStarted_AndFatalWithoutReason()
    {
        Assert.Equal("Not started", StatusText.Describe(ProcessState.Stopped, "app", null, TimeSpan.Zero, null, null, null, TimeZoneInfo.Utc));
        Assert.Equal("unknown error (try \"tail app\")", StatusText.Describe(ProcessState.Fatal, "app", null, TimeSpan.Zero, null, null, null, TimeZoneInfo.Utc));
    }

    [Fact]
    public void Table_MatchesTheSeedsSupervisorctlOutput()
    {
        var rows = new[]
        {
            new ProgramStatus("gmq", ProcessState.Running, 579, Start, null, TimeSpan.FromSeconds(20), null, 0, null, "pid 579, uptime 0:00:20"),
            new ProgramStatus("gwe", ProcessState.Running, 578, Start, null, TimeSpan.FromSeconds(20), null, 0, null, "pid 578, uptime 0:00:20"),
        };

        Assert.Equal(
            "gmq                              RUNNING    pid 579, uptime 0:00:20\n"
            + "gwe                              RUNNING    pid 578, uptime 0:00:20\n",
            StatusText.Table(rows));
    }

    [Fact]
    public void Table_LongNames_WidenTheColumn()
    {
        var name = new string('n', 40);
        var table = StatusText.Table([new ProgramStatus(name, ProcessState.Fatal, null, null, null, TimeSpan.Zero, null, 0, "x", "x")]);

        Assert.Equal(name + " FATAL      x\n", table);
    }
}
