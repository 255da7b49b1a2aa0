using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Device;
using Outpost.Protocol.Aliases;

namespace Outpost.Gateway.Engine;

/// <summary>
/// Long-polls the <c>update_interval</c> alias: a valid value (whole seconds ≥ 1) is applied at once (the report loop
/// re-arms its timer), saved to engine.conf, and acknowledged by writing it back; an invalid one is answered with the
/// interval in force. The acknowledgement is itself a new value the poll sees, and is a no-op because it is in force.
/// </summary>
internal sealed class UpdateIntervalService(
    EngineOptions options, EngineState state, CloudOutage outage, TimeProvider time, ILogger<UpdateIntervalService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await state.WhenReadyAsync(stoppingToken);
        await state.WhenActivatedAsync(stoppingToken);
        // From the epoch: a value written while the gateway was off is applied too.
        DateTimeOffset since = DateTimeOffset.UnixEpoch.AddSeconds(1);
        (DateTimeOffset At, string Value)? last = null;
        var first = true;
        var sameSecondRounds = 0;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Timestamps have one-second resolution: for a few rounds after a value, re-read its second (inclusive)
                // so a second write within it (an operator answering our acknowledgement) is not missed.
                var inclusive = last is not null && sameSecondRounds > 0;
                sameSecondRounds = Math.Max(0, sameSecondRounds - 1);
                var from = inclusive ? last!.Value.At : since;
                var timeout = first ? TimeSpan.Zero : inclusive || sameSecondRounds > 0 ? TimeSpan.FromSeconds(1) : options.LongPollTimeout;
                var result = await state.PollClient.WaitAsync(GatewayAliases.UpdateInterval, timeout, from, stoppingToken);
                failures = 0;
                outage.Answered();
                if (result.Changed)
                {
                    var at = result.Timestamp ?? from;
                    var seen = last is { } l && l.At == at && l.Value == result.Value;
                    since = at.AddSeconds(1);
                    if (!seen)
                    {
                        last = (at, result.Value!);
                        sameSecondRounds = 3;
                        await ApplyAsync(result.Value!, stoppingToken);
                    }
                }
                else if (first)
                {
                    // Nothing in the cloud yet: show the interval in force.
                    await state.Client.WriteAsync(GatewayAliases.UpdateInterval, Text(state.Config.UpdateInterval), stoppingToken);
                }

                first = false;
            }
            catch (Exception ex) when (ex is DeviceApiException or HttpRequestException or IOException)
            {
                await Task.Delay(outage.Failed("update_interval", ex.Message, ++failures), time, stoppingToken);
            }
        }
    }

    private async Task ApplyAsync(string value, CancellationToken cancellationToken)
    {
        var current = state.Config.UpdateInterval;
        if (!int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1)
        {
            logger.IntervalRefused(value);
            await state.Client.WriteAsync(GatewayAliases.UpdateInterval, Text(current), cancellationToken);
            return;
        }

        if (seconds == current)
        {
            return;
        }

        state.Config = state.Config with { UpdateInterval = seconds };
        var file = EngineConfigFile.Load(options.Home.EngineConf);
        file.Set("update_interval", Text(seconds));
        await file.SaveAsync(cancellationToken);
        state.Wake.Set();
        logger.IntervalApplied(seconds);
        await state.Client.WriteAsync(GatewayAliases.UpdateInterval, Text(seconds), cancellationToken);
    }

    private static string Text(int seconds) => seconds.ToString(CultureInfo.InvariantCulture);
}
