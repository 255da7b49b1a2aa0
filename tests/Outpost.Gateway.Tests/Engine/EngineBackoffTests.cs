using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outpost.Device;
using Outpost.Gateway.Tests.Gmq;
using Outpost.Protocol.Aliases;
using Xunit.Abstractions;

namespace Outpost.Gateway.Tests.Engine;

/// <summary>
/// The engine's long polls during a cloud outage, on a fake clock: each retry waits about twice as long as the one
/// before, up to <c>[engine] backoff_max</c>; the outage is one warning when it starts and one line when it ends.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class EngineBackoffTests(ITestOutputHelper output)
{
    private const int LoopRetrying = 6013;
    private const int Unreachable = 6014;
    private const int Reachable = 6015;

    [Fact]
    public async Task CloudDown_EngineFetchRetriesDoubleUpToBackoffMax_OutageLoggedOnceEachWay()
    {
        await using var harness = await EngineHarness.CreateAsync(output);
        await using var proxy = new LoopbackProxy(harness.Cloud.BaseAddress);
        var identity = await DeviceIdentity.LoadAsync(harness.Home.GatewayCfg);
        await (identity with { Host = proxy.BaseAddress.ToString() }).SaveAsync(harness.Home.GatewayCfg);
        await File.AppendAllTextAsync(harness.Home.EngineConf, "backoff_max = 2\n");
        var clock = new TimerWatchingClock();
        var log = new CapturedLog();
        await harness.StartAsync(builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Logging.AddProvider(log).SetMinimumLevel(LogLevel.Debug);
        });
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await EngineHarness.WaitUntilAsync(async () => await harness.LatestAsync(GatewayAliases.EngineReport) is not null, TimeSpan.FromSeconds(60), "the first engine_report");

        proxy.Down = true;
        var seen = new List<CapturedLog.Entry>();
        async Task<CapturedLog.Entry> NextAsync(Func<CapturedLog.Entry, bool> match)
        {
            while (true)
            {
                var entry = await log.Entries.Reader.ReadAsync(patience.Token);
                seen.Add(entry);
                if (match(entry))
                {
                    return entry;
                }
            }
        }

        // EngineHarness's base delay is 200 ms: the steps are 0.2, 0.4, 0.8, 1.6 s, then backoff_max's 2 s; each wait
        // is 50–100 % of its step (jitter).
        var levels = new List<LogLevel>();
        TimeSpan delay = default;
        for (var failure = 1; failure <= 7; failure++)
        {
            var entry = await NextAsync(e => e.EventId is LoopRetrying or Unreachable && e.Text("Loop") == "engine_fetch");
            delay = Assert.IsType<TimeSpan>(entry.Values["Delay"]);
            var step = TimeSpan.FromMilliseconds(Math.Min(2000, 200 * Math.Pow(2, failure - 1)));
            Assert.InRange(delay, step / 2, step);
            levels.Add(entry.Level);
            if (failure < 7)
            {
                await clock.AdvancePastTimerAsync(delay, patience.Token);
            }
        }

        // Only the outage's first failure (of either long poll) is a warning; engine_fetch's later ones are debug lines.
        Assert.All(levels.Skip(1), level => Assert.Equal(LogLevel.Debug, level));
        proxy.Down = false;
        await clock.AdvancePastTimerAsync(delay, patience.Token);
        var back = await NextAsync(e => e.EventId == Reachable);
        Assert.Single(seen, e => e.EventId == Unreachable);
        Assert.Single(seen, e => e.EventId == Reachable);
        Assert.Equal(LogLevel.Information, back.Level);
    }
}
