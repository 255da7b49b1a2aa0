using System.Globalization;

namespace Outpost.Gateway.Queue;

/// <summary>
/// Message ids: <c>&lt;queue instance&gt;-&lt;sequence&gt;</c>. The instance is a GUID drawn when the queue file is created;
/// the sequence is persisted with every commit, so an id is never reused — not after a restart, not after the file is
/// deleted and recreated. The cloud deduplicates on it, so a retried batch never stores a value twice.
/// </summary>
internal static class MessageId
{
    public static string Format(string instance, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{instance}-{sequence}");

    /// <summary>The sequence of <paramref name="id"/> when it was issued by <paramref name="instance"/>.</summary>
    public static bool TryParse(string instance, string? id, out long sequence)
    {
        sequence = 0;
        if (id is null || id.Length <= instance.Length + 1 || id[instance.Length] != '-'
            || !id.AsSpan(0, instance.Length).SequenceEqual(instance))
        {
            return false;
        }

        return long.TryParse(id.AsSpan(instance.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }
}
