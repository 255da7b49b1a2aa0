using System.Net;
using System.Text.Json;
using Outpost.Cloud.Tests.DeviceApi;
using Outpost.Protocol.Commands;
using Outpost.Protocol.Forms;
using Outpost.Protocol.Reports;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Rollouts;

/// <summary>
/// A gateway played by the test over the real device API: it long-polls engine_fetch and answers install and
/// rollback commands with the real gwe's fetch_status and engine_report shapes. <see cref="Behaviour"/> decides
/// how an install goes.
/// </summary>
internal sealed class ScriptedGateway : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly string _cik;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly string _app;
    private string _version;
    private string? _previous;
    private string? _since;

    private ScriptedGateway(Uri cloud, string serial, string cik, string app, string version, InstallBehaviour behaviour, bool catchUp)
    {
        _since = catchUp ? "1" : null;
        Serial = serial;
        _cik = cik;
        _app = app;
        _version = version;
        Behaviour = behaviour;
        _client = new HttpClient { BaseAddress = cloud, Timeout = TimeSpan.FromSeconds(120) };
        _loop = Task.Run(RunAsync);
    }

    public enum InstallBehaviour
    {
        Succeeds,
        FailsInstall,
        CrashLoops,
    }

    public string Serial { get; }

    public InstallBehaviour Behaviour { get; set; }

    public string Version => _version;

    public int InstallsReceived { get; private set; }

    /// <summary>Rollback commands that found a previous version to go back to.</summary>
    public int RollbacksDone { get; private set; }

    /// <param name="comeback">A gateway that was here before: re-enabled for a fresh CIK, and it collects the command
    /// waiting in engine_fetch (as gwe does from its persisted last-handled time).</param>
    public static async Task<ScriptedGateway> StartAsync(TestCloud cloud, string pid, string serial, string app = "test_app", string version = "1",
        InstallBehaviour behaviour = InstallBehaviour.Succeeds, bool comeback = false)
    {
        string cik;
        if (comeback)
        {
            (await cloud.Admin.PostAsync($"api/v1/products/{pid}/devices/{serial}/enable", null)).EnsureSuccessStatusCode();
            cik = await cloud.ActivateAsync(pid, serial);
        }
        else
        {
            cik = await cloud.ProvisionAsync(pid, serial);
        }

        var gateway = new ScriptedGateway(cloud.BaseAddress, serial, cik, app, version, behaviour, comeback);
        await gateway.ReportAsync("RUNNING", 0);
        return gateway;
    }

    private async Task RunAsync()
    {
        var since = _since;
        while (!_stop.IsCancellationRequested)
        {
            HttpResponseMessage response;
            try
            {
                response = await _client.SendAsync(DeviceHttp.Read(_cik, "engine_fetch", timeoutMs: 30_000, ifModifiedSince: since), _stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                continue; // The cloud restarts in some tests: poll again.
            }

            using (response)
            {
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    continue;
                }

                since = (response.Content.Headers.LastModified!.Value.ToUnixTimeSeconds() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var value = FormCodec.Parse(await response.Content.ReadAsByteArrayAsync()).Fields.Single().Value!;
                if (EngineCommand.TryParse(value, out var command, out _, out _))
                {
                    await HandleAsync(command);
                }
            }
        }
    }

    private async Task HandleAsync(EngineCommand command)
    {
        if (command.Verb == EngineVerb.Install)
        {
            InstallsReceived++;
            var version = Outpost.Protocol.Tarballs.TarballName.Parse(command.Targets[0].Name).Version;
            if (Behaviour == InstallBehaviour.FailsInstall)
            {
                await FetchStatusAsync(command.Id, FetchStatuses.RolledBack, version, "install.sh exited 1");
                return;
            }

            _previous = _version;
            _version = version;
            await FetchStatusAsync(command.Id, FetchStatuses.Installed, version, null);
            await ReportAsync(Behaviour == InstallBehaviour.CrashLoops ? "BACKOFF" : "RUNNING", Behaviour == InstallBehaviour.CrashLoops ? 3 : 0);
        }
        else if (command.Verb == EngineVerb.Rollback)
        {
            // Like gwe: back to the previous version, or nothing to undo when the new one never got installed.
            RollbacksDone += _previous is null ? 0 : 1;
            _version = _previous ?? _version;
            await FetchStatusAsync(command.Id, _previous is null ? FetchStatuses.Failed : FetchStatuses.RolledBack, _version,
                _previous is null ? "no previous version" : null);
            _previous = null;
            await ReportAsync("RUNNING", 0);
        }
    }

    private async Task FetchStatusAsync(string? id, string status, string version, string? reason)
    {
        var now = TimeProvider.System.GetUtcNow();
        var json = JsonSerializer.Serialize(new FetchStatus(id, "install", $"{_app}.v{version}.tar.gz", _app, version, status, reason, 0, "", null, now, now),
            ReportsJsonContext.Default.FetchStatus);
        (await _client.SendAsync(DeviceHttp.Write(_cik, FormCodec.Encode([new("fetch_status", json)])))).EnsureSuccessStatusCode();
    }

    public async Task ReportAsync(string state, int restarts)
    {
        var report = new EngineReport(new GweInfo("0.1.0", "test", 1),
            [new Dictionary<string, AppReport> { [_app] = new AppReport(_version, state, null, 1, 1234, restarts) }], null);
        var json = JsonSerializer.Serialize(report, ReportsJsonContext.Default.EngineReport);
        (await _client.SendAsync(DeviceHttp.Write(_cik, FormCodec.Encode([new("engine_report", json)])))).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _client.Dispose();
        _stop.Dispose();
    }
}
