using System.Runtime.Versioning;
using System.Text.Json;
using Outpost.Gateway.Supervisor;
using Outpost.Gateway.Supervisor.Config;
using Outpost.Protocol.Aliases;
using Outpost.Protocol.Reports;
using Xunit.Abstractions;

namespace Outpost.Gateway.Tests.Engine;

/// <summary>The seed's OTA flow and its failure cases, end to end: real cloud, real tarballs, real install.sh, real apps.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class OtaFlowTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SeedFlow_UploadThenInstallCommand_AppRunsAndFetchStatusSaysInstalled()
    {
        await using var gw = await EngineHarness.CreateAsync(output);
        await gw.StartAsync();
        var tarball = AppTarballs.Service(gw.Dir, "test_app", "1");
        await gw.UploadAsync(tarball);

        await gw.CommandAsync("{\"install\": [{\"name\": \"test_app.v1.tar.gz\"}]}");

        var status = await gw.WaitForStatusAsync(s => s.Name == "test_app.v1.tar.gz");
        Assert.Equal(FetchStatuses.Installed, status.Status);
        Assert.Equal("test_app", status.App);
        Assert.Equal("1", status.Version);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("Installing test_app 1", status.Output, StringComparison.Ordinal);
        Assert.Equal(64, status.Sha256!.Length);
        Assert.True(File.Exists(gw.Dir["running.1"]));
        Assert.Equal(ProcessState.Running, (await gw.StatusAsync("test_app"))!.State);
        Assert.True(File.Exists(Path.Join(gw.Home.Path, "apps", "test_app", "1", "install.sh")));

        // engine_report follows the command and shows the app RUNNING at its version.
        await EngineHarness.WaitUntilAsync(async () =>
        {
            var report = await gw.LatestAsync(GatewayAliases.EngineReport);
            var app = report is null ? null : JsonSerializer.Deserialize(report, ReportsJsonContext.Default.EngineReport)!.Find("test_app");
            return app is { Status: AppReport.Running, Version: "1" };
        }, TimeSpan.FromSeconds(30), "engine_report with test_app RUNNING");
        Assert.NotNull(await gw.LatestAsync(GatewayAliases.DeviceInfo));
        Assert.NotNull(await gw.LatestAsync(GatewayAliases.UsageReport));
    }

    [Fact]
    public async Task FailingInstallScript_PreviousVersionKeepsRunningAndNewSlotIsGone()
    {
        await using var gw = await EngineHarness.CreateAsync(output);
        await gw.StartAsync();
        await gw.UploadAsync(AppTarballs.Service(gw.Dir, "app", "1"));
        await gw.UploadAsync(AppTarballs.Service(gw.Dir, "app", "2", installBody: "echo about to fail\nexit 3"));
        await gw.CommandAsync("{\"install\": [{\"name\": \"app.v1.tar.gz\"}]}");
        await gw.WaitForStatusAsync(s => s.Version == "1" && s.Status == FetchStatuses.Installed);
        var v1Pid = (await gw.StatusAsync("app"))!.Pid;

        await gw.CommandAsync("{\"id\": \"up-2\", \"install\": [{\"name\": \"app.v2.tar.gz\"}]}");

        var status = await gw.WaitForStatusAsync(s => s.Id == "up-2");
        Assert.Equal(FetchStatuses.Failed, status.Status);
        Assert.Equal(3, status.ExitCode);
        Assert.Contains("about to fail", status.Output, StringComparison.Ordinal);
        Assert.Contains("exited with code 3", status.Reason, StringComparison.Ordinal);
        var program = await gw.StatusAsync("app");
        Assert.Equal(ProcessState.Running, program!.State);
        Assert.Equal(v1Pid, program.Pid);
        Assert.False(Directory.Exists(Path.Join(gw.Home.Path, "apps", "app", "2")));
    }

    [Fact]
    public async Task InstallOfAnAppNamedLikeAConfDProgram_IsRefusedBeforeInstallSh_AndTheProgramKeepsRunning()
    {
        await using var gw = await EngineHarness.CreateAsync(output);
        await gw.StartAsync();
        // A conf.d program (the daemon adds conf.d's programs to the same supervisor) that the app's name would take.
        var ticker = new ProgramConfig { Name = "ticker", Command = "/bin/sleep 600", Arguments = ["/bin/sleep", "600"], StartSecs = 0 };
        Assert.Null((await gw.Supervisor.AddAsync(ticker)).Error); // autostart: added and started
        await EngineHarness.WaitUntilAsync(async () => (await gw.StatusAsync("ticker"))?.State == ProcessState.Running, TimeSpan.FromSeconds(10), "ticker RUNNING");
        var pid = (await gw.StatusAsync("ticker"))!.Pid;
        await gw.UploadAsync(AppTarballs.Service(gw.Dir, "ticker", "1", installBody: $"touch {gw.Dir["install-ran"]}"));

        await gw.CommandAsync("{\"id\": \"clash\", \"install\": [{\"name\": \"ticker.v1.tar.gz\"}]}");

        var status = await gw.WaitForStatusAsync(s => s.Id == "clash");
        Assert.Equal(FetchStatuses.Failed, status.Status);
        Assert.Equal("a program named ticker is already supervised and is not this app (conf.d/ticker.conf?); rename or remove it first", status.Reason);
        Assert.False(File.Exists(gw.Dir["install-ran"]), "install.sh did not run");
        var program = await gw.StatusAsync("ticker");
        Assert.Equal((ProcessState.Running, pid), (program!.State, program.Pid));
        Assert.False(Directory.Exists(Path.Join(gw.Home.Path, "apps", "ticker")));
    }

    [Fact]
    public async Task TarballMissingFromTheContentArea_FailsNamingAppAndVersion()
    {
        await using var gw = await EngineHarness.CreateAsync(output);
        await gw.StartAsync();

        await gw.CommandAsync("{\"id\": \"absent\", \"install\": [{\"name\": \"absent_app.v3.tar.gz\"}]}");

        var status = await gw.WaitForStatusAsync(s => s.Id == "absent");
        Assert.Equal(FetchStatuses.Failed, status.Status);
        Assert.StartsWith("download of absent_app.v3.tar.gz failed: ", status.Reason, StringComparison.Ordinal);
        Assert.Contains("404", status.Reason, StringComparison.Ordinal);
        Assert.Equal(("absent_app", "3"), (status.App, status.Version));
    }

    [Fact]
    public async Task FirstInstallFailing_LeavesNoDirectoryOfTheApp()
    {
        await using var gw = await EngineHarness.CreateAsync(output);
        await gw.StartAsync();
        await gw.UploadAsync(AppTarballs.Service(gw.Dir, "app", "1", installBody: "exit 3"));

        await gw.CommandAsync("{\"id\": \"first\", \"install\": [{\"name\": \"app.v1.tar.gz\"}]}");

        Assert.Equal(FetchStatuses.Failed, (await gw.WaitForStatusAsync(s => s.Id == "first")).Status);
        Assert.False(Directory.Exists(Path.Join(gw.Home.Path, "apps", "app")), "apps/app is left behind");
    }

    [Fact]
    public async Task BadSupervisorConfValue_FailsBeforeInstallShRuns()
    {
        await using var gw = await EngineHarness.CreateAsync(output);
        await gw.StartAsync();
        await gw.UploadAsync(AppTarballs.Service(gw.Dir, "app", "1", installBody: $"touch \"{gw.Dir.Path}/install.ran\"", extraConf: "startsecs = soon\n"));

        await gw.CommandAsync("{\"id\": \"bad-conf\", \"install\": [{\"name\": \"app.v1.tar.gz\"}]}");

        var status = await gw.WaitForStatusAsync(s => s.Id == "bad-conf");
        Assert.Equal(FetchStatuses.Failed, status.Status);
        Assert.Contains("supervisor.conf line 5: [program:app] startsecs: 'soon' is not a whole number ≥ 0", status.Reason, StringComparison.Ordinal);
        Assert.False(File.Exists(gw.Dir["install.ran"]), "install.sh ran for an install that failed");
        Assert.False(Directory.Exists(Path.Join(gw.Home.Path, "apps", "app")));
    }

    [Fact]
    public async Task CrashLoopingNewVersion_RollsBackToThePreviousVersionRunning()
    {
        await using var gw = await EngineHarness.CreateAsync(output);
        await gw.StartAsync();
        await gw.UploadAsync(AppTarballs.Service(gw.Dir, "app", "1"));
        await gw.UploadAsync(AppTarballs.Service(gw.Dir, "app", "2", runBody: "echo crashing\nexit 1"));
        await gw.CommandAsync("{\"install\": [{\"name\": \"app.v1.tar.gz\"}]}");
        await gw.WaitForStatusAsync(s => s.Version == "1" && s.Status == FetchStatuses.Installed);
        File.Delete(gw.Dir["running.1"]);

        await gw.CommandAsync("{\"id\": \"up-2\", \"install\": [{\"name\": \"app.v2.tar.gz\"}]}");

        var status = await gw.WaitForStatusAsync(s => s.Id == "up-2");
        Assert.Equal(FetchStatuses.RolledBack, status.Status);
        Assert.Contains("did not stay up", status.Reason, StringComparison.Ordinal);
        Assert.Equal(ProcessState.Running, (await gw.StatusAsync("app"))!.State);
        Assert.True(File.Exists(gw.Dir["running.1"]), "version 1 was started again");
        Assert.False(Directory.Exists(Path.Join(gw.Home.Path, "apps", "app", "2")));
        Assert.Equal("1", gw.Services.GetInventory().Find("app")!.Current.Version);
    }

    [Fact]
    public async Task InstallOfTheRunningVersion_ChangesNothing_AndSaysUnchanged()
    {
        await using var gw = await EngineHarness.CreateAsync(output);
        await gw.StartAsync();
        await gw.UploadAsync(AppTarballs.Service(gw.Dir, "app", "1"));
        await gw.CommandAsync("{\"id\": \"first\", \"install\": [{\"name\": \"app.v1.tar.gz\"}]}");
        var first = await gw.WaitForStatusAsync(s => s.Id == "first");
        await EngineHarness.WaitUntilAsync(async () => (await gw.StatusAsync("app"))?.State == ProcessState.Running, TimeSpan.FromSeconds(30), "app RUNNING");
        var pid = (await gw.StatusAsync("app"))!.Pid;

        await gw.CommandAsync("{\"id\": \"again\", \"install\": [{\"name\": \"app.v1.tar.gz\"}]}");

        var again = await gw.WaitForStatusAsync(s => s.Id == "again");
        Assert.Equal((FetchStatuses.Installed, (bool?)null), (first.Status, first.Unchanged));
        Assert.Equal((FetchStatuses.Installed, "1", (bool?)true, "app 1 is already installed"), (again.Status, again.Version, again.Unchanged, again.Reason));
        Assert.Equal(pid, (await gw.StatusAsync("app"))!.Pid); // not restarted
    }

    [Fact]
    public async Task RollbackCommand_GoesBackToThePreviousInstalledVersion()
    {
        await using var gw = await EngineHarness.CreateAsync(output);
        await gw.StartAsync();
        await gw.UploadAsync(AppTarballs.Service(gw.Dir, "app", "1"));
        await gw.UploadAsync(AppTarballs.Service(gw.Dir, "app", "2"));
        await gw.CommandAsync("{\"install\": [{\"name\": \"app.v1.tar.gz\"}]}");
        await gw.WaitForStatusAsync(s => s.Version == "1" && s.Status == FetchStatuses.Installed);
        await gw.CommandAsync("{\"install\": [{\"name\": \"app.v2.tar.gz\"}]}");
        await gw.WaitForStatusAsync(s => s.Version == "2" && s.Status == FetchStatuses.Installed);
        File.Delete(gw.Dir["running.1"]);

        await gw.CommandAsync("{\"id\": \"rb\", \"rollback\": [{\"name\": \"app\"}]}");

        var status = await gw.WaitForStatusAsync(s => s.Id == "rb");
        Assert.Equal(FetchStatuses.RolledBack, status.Status);
        Assert.Equal("1", status.Version);
        Assert.True(File.Exists(gw.Dir["running.1"]));
        Assert.Equal(ProcessState.Running, (await gw.StatusAsync("app"))!.State);
    }

    [Fact]
    public async Task StopAndStart_SentTwice_TheSecondIsASuccessThatChangedNothing()
    {
        await using var gw = await EngineHarness.CreateAsync(output);
        await gw.StartAsync();
        await gw.UploadAsync(AppTarballs.Service(gw.Dir, "app", "1"));
        await gw.CommandAsync("{\"install\": [{\"name\": \"app.v1.tar.gz\"}]}");
        await gw.WaitForStatusAsync(s => s.Version == "1" && s.Status == FetchStatuses.Installed);

        foreach (var (verb, done, already) in new[] { ("stop", FetchStatuses.Stopped, "app is not running"), ("start", FetchStatuses.Started, "app is already running") })
        {
            await gw.CommandAsync($"{{\"id\": \"{verb}-1\", \"{verb}\": [{{\"name\": \"app\"}}]}}");
            var first = await gw.WaitForStatusAsync(s => s.Id == verb + "-1");
            Assert.Equal((done, false), (first.Status, first.Unchanged == true));
            await gw.CommandAsync($"{{\"id\": \"{verb}-2\", \"{verb}\": [{{\"name\": \"app\"}}]}}");

            var second = await gw.WaitForStatusAsync(s => s.Id == verb + "-2");

            Assert.Equal((done, true, already), (second.Status, second.Unchanged == true, second.Reason));
        }

        Assert.Equal(ProcessState.Running, (await gw.StatusAsync("app"))!.State);
    }

    [Theory]
    [InlineData("{\"id\": \"b1\", \"format\": [{\"name\": \"x\"}]}", "unknown command")]
    [InlineData("{\"id\": \"b2\", \"install\": [{}]}", "missing \"name\"")]
    [InlineData("{\"id\": \"b3\", \"stop\": [{\"name\": \"nosuchapp\"}]}", "not installed")]
    public async Task BadCommand_IsRejectedWithTheReasonAndNothingChanges(string command, string reason)
    {
        await using var gw = await EngineHarness.CreateAsync(output);
        await gw.StartAsync();

        await gw.CommandAsync(command);

        var status = await gw.WaitForStatusAsync(s => s.Id is "b1" or "b2" or "b3");
        Assert.Equal(FetchStatuses.Rejected, status.Status);
        Assert.Contains(reason, status.Reason, StringComparison.Ordinal);
        Assert.Empty(gw.Services.GetInventory().Apps);
    }

    [Fact]
    public async Task NotJson_IsRejected()
    {
        await using var gw = await EngineHarness.CreateAsync(output);
        await gw.StartAsync();

        await gw.CommandAsync("install everything please");

        var status = await gw.WaitForStatusAsync(_ => true);
        Assert.Equal(FetchStatuses.Rejected, status.Status);
        Assert.Contains("not valid JSON", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateInterval_WrittenByTheCloud_IsAppliedSavedAndWrittenBack()
    {
        await using var gw = await EngineHarness.CreateAsync(output);
        await gw.StartAsync();
        // The engine shows the interval in force when the cloud has none.
        await EngineHarness.WaitUntilAsync(async () => await gw.LatestAsync(GatewayAliases.UpdateInterval) == "3600", TimeSpan.FromSeconds(30), "initial update_interval");
        var reportsBefore = (await gw.Cloud.HistoryAsync(gw.ProductId, gw.Serial, GatewayAliases.EngineReport)).Count;

        await gw.WriteAsync(GatewayAliases.UpdateInterval, "1");

        await EngineHarness.WaitUntilAsync(
            async () => (await gw.Cloud.HistoryAsync(gw.ProductId, gw.Serial, GatewayAliases.UpdateInterval)).Count(h => h.Value == "1") >= 2,
            TimeSpan.FromSeconds(30), "update_interval written back");
        Assert.Contains("update_interval = 1", await File.ReadAllTextAsync(gw.Home.EngineConf), StringComparison.Ordinal);
        Assert.Contains("process_manager = builtin", await File.ReadAllTextAsync(gw.Home.EngineConf), StringComparison.Ordinal);
        // Applied without a restart: reports now come every second.
        await EngineHarness.WaitUntilAsync(
            async () => (await gw.Cloud.HistoryAsync(gw.ProductId, gw.Serial, GatewayAliases.EngineReport)).Count >= reportsBefore + 3,
            TimeSpan.FromSeconds(30), "reports every second");
    }

    [Fact]
    public async Task Restart_NeverRunsTheLastCommandAgain()
    {
        await using var gw = await EngineHarness.CreateAsync(output);
        await gw.StartAsync();
        await gw.UploadAsync(AppTarballs.OneOff(gw.Dir, "once", "1", $"echo ran >> \"{gw.Dir.Path}/once.log\""));
        await gw.CommandAsync("{\"install\": [{\"name\": \"once.v1.tar.gz\"}]}");
        await gw.WaitForStatusAsync(s => s.App == "once" && s.Status == FetchStatuses.Installed);
        await gw.StopAsync();

        await gw.StartAsync();
        await gw.CommandAsync("{\"id\": \"after\", \"report\": {}}");

        await gw.WaitForStatusAsync(s => s.Id == "after");
        Assert.Equal(["ran"], await File.ReadAllLinesAsync(gw.Dir["once.log"]));
        var statuses = await gw.Cloud.HistoryAsync(gw.ProductId, gw.Serial, GatewayAliases.FetchStatus);
        Assert.Equal(2, statuses.Count);
    }
}
