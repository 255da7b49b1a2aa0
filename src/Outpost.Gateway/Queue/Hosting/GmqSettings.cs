namespace Outpost.Gateway.Queue.Hosting;

/// <summary>
/// The settings in force: the forwarder reads <see cref="Current"/> on every pass, so <c>POST /reread</c> changes batch
/// sizes, backoff and intervals without a restart. The url, the queue file and its bounds are fixed at start.
/// </summary>
internal sealed class GmqSettings(GmqOptions initial)
{
    private volatile GmqOptions _current = initial;

    public GmqOptions Current => _current;

    /// <summary>Applies the reloadable part of <paramref name="next"/>; returns the settings that need a restart but changed.</summary>
    public IReadOnlyList<string> Apply(GmqOptions next)
    {
        var current = _current;
        var restart = new List<string>();
        if (next.Url != current.Url)
        {
            restart.Add("url");
        }

        if (next.CloudUrl != current.CloudUrl)
        {
            restart.Add("cloud url");
        }

        if (next.QueuePath != current.QueuePath || next.MaxBytes != current.MaxBytes
            || !next.MinFreeDiskPercent.Equals(current.MinFreeDiskPercent) || next.Policy != current.Policy)
        {
            restart.Add("queue (path, max_bytes, min_free_disk, policy)");
        }

        _current = current with
        {
            BatchValues = next.BatchValues,
            BatchBytes = next.BatchBytes,
            BackoffBase = next.BackoffBase,
            BackoffMax = next.BackoffMax,
            IdleInterval = next.IdleInterval,
        };
        return restart;
    }
}
