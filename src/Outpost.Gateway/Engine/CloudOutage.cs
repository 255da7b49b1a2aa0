using Microsoft.Extensions.Logging;

namespace Outpost.Gateway.Engine;

/// <summary>
/// The engine's view of its link while the long polls (engine_fetch, update_interval) cannot reach the cloud: how long
/// each loop waits before trying again (<see cref="RetryBackoff"/> from <see cref="EngineOptions.RetryBaseDelay"/> up to
/// <c>[engine] backoff_max</c>), and the outage logged once when it starts and once when it ends — not on every retry,
/// which on a long outage buried the rest of the log.
/// </summary>
internal sealed class CloudOutage(EngineOptions options, EngineState state, TimeProvider time, ILogger<CloudOutage> logger)
{
    private readonly Lock _gate = new();
    private long? _downSince;

    /// <summary>
    /// <paramref name="loop"/> failed for the <paramref name="failures"/>th time in a row: returns how long it waits.
    /// The first failure of an outage (of any loop) is a warning; the retries after it are debug lines.
    /// </summary>
    public TimeSpan Failed(string loop, string reason, int failures)
    {
        var max = TimeSpan.FromSeconds(state.Config.BackoffMax);
        var delay = new RetryBackoff(options.RetryBaseDelay, max).Delay(failures);
        bool started;
        lock (_gate)
        {
            started = _downSince is null;
            _downSince ??= time.GetTimestamp();
        }

        if (started)
        {
            logger.CloudUnreachable(loop, reason, delay, max);
        }
        else
        {
            logger.LoopFailed(loop, reason, delay);
        }

        return delay;
    }

    /// <summary>A loop got an answer from the cloud: an outage in progress is over (logged once, with its length).</summary>
    public void Answered()
    {
        long since;
        lock (_gate)
        {
            if (_downSince is not { } down)
            {
                return;
            }

            since = down;
            _downSince = null;
        }

        logger.CloudReachable(time.GetElapsedTime(since));
    }
}
