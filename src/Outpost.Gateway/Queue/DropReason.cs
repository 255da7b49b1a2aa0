namespace Outpost.Gateway.Queue;

/// <summary>Why the queue dropped values itself to respect a bound (TTL drops are counted where they happen).</summary>
internal enum DropReason
{
    /// <summary><c>max_bytes</c> reached under <c>drop_oldest</c>.</summary>
    Overflow,

    /// <summary>Free disk below <c>min_free_disk</c> under <c>drop_oldest</c>.</summary>
    Disk,
}
