namespace Outpost.Gateway.Queue;

/// <summary>
/// Which dead letters a retry or purge acts on: those of <paramref name="DeviceKey"/> (null: every device), and of
/// those only <paramref name="Sequences"/> (null: all of them). Both null selects every dead letter.
/// </summary>
/// <param name="DeviceKey">One device's dead letters only.</param>
/// <param name="Sequences">Only these values (the sequence part of their message ids).</param>
internal sealed record DeadLetterSelection(string? DeviceKey = null, IReadOnlyList<long>? Sequences = null)
{
    /// <summary>Every dead letter.</summary>
    public static DeadLetterSelection All { get; } = new();
}
