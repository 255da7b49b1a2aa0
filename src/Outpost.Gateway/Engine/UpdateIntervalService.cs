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
internal sealed class UpdateIntervalService(EngineOptions options, EngineState state, TimeProvider time, ILogger<UpdateIntervalService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await state.WhenReadyAsync(stoppingToken);
        await state.WhenActivatedAsync(stoppingToken);
        // From the epoch: a value written while the gateway was off is applied too.
        DateTimeOffset? since = DateTimeOffset.UnixEpoch.AddSeconds(1);
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var result = await state.Client.WaitAsync(GatewayAliases.UpdateInterval, first ? TimeSpan.Zero : options.LongPollTimeout, since, stoppingToken);
                if (result.Changed)
                {
                    since = result.NextSince;
                    await ApplyAsync(result.Value!, stoppingToken);
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
                logger.LoopFailed(ex, "update_interval", options.RetryBaseDelay);
                await Task.Delay(options.RetryBaseDelay, time, stoppingToken);
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
