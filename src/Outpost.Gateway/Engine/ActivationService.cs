using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Device;

namespace Outpost.Gateway.Engine;

/// <summary>
/// Activates the gateway when Gateway.cfg holds no CIK: tries, and on refusal or failure waits act_retry_interval
/// (± jitter, so a fleet powered on together does not retry in step) and tries again; the CIK is saved (0600).
/// </summary>
internal sealed class ActivationService(EngineOptions options, EngineState state, TimeProvider time, ILogger<ActivationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await state.WhenReadyAsync(stoppingToken);
        while (!state.IsActivated)
        {
            var delay = Jittered(TimeSpan.FromSeconds(state.Config.ActRetryInterval));
            try
            {
                var result = await TryActivateAsync(stoppingToken);
                if (result.Activated)
                {
                    return;
                }

                logger.ActivationRefused(result.Status, delay);
            }
            catch (Exception ex) when (ex is DeviceApiException or HttpRequestException or IOException)
            {
                logger.ActivationFailed(ex, delay);
            }

            await Task.Delay(delay, time, stoppingToken);
        }
    }

    /// <summary>
    /// One activation attempt (the loop's, and <c>gwe -o</c>'s only one): on success the CIK is saved and the engine
    /// marked activated. Throws what the device client throws when the cloud cannot be reached.
    /// </summary>
    public async Task<ActivationResult> TryActivateAsync(CancellationToken cancellationToken)
    {
        var identity = state.Identity;
        var product = identity.Model.Length > 0 ? identity.Model : identity.Vendor;
        var result = await state.Client.ActivateAsync(identity.Vendor.Length > 0 ? identity.Vendor : product, product, state.Serial, cancellationToken);
        if (result.Activated)
        {
            state.PollClient.Cik = result.Cik;
            state.Identity = identity with { Cik = result.Cik };
            await state.Identity.SaveAsync(options.Home.GatewayCfg, cancellationToken);
            logger.Activated(options.Home.GatewayCfg);
            state.SetActivated();
        }

        return result;
    }

    private TimeSpan Jittered(TimeSpan interval)
    {
        var factor = 1 + (((Random.Shared.NextDouble() * 2) - 1) * options.ActivationJitter);
        return interval * factor;
    }
}
