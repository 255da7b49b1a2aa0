using System.Collections.Concurrent;

namespace Outpost.Gateway.Queue.Http;

/// <summary>
/// The newest value GMQ has seen per device key and alias — written through it, or read from the cloud — so a read
/// while offline answers something (marked <c>X-Outpost-Stale: true</c>) instead of failing. In memory: after a
/// restart offline, reads answer <c>204</c> until a value is written or read again.
/// </summary>
internal sealed class LastKnownValues
{
    private readonly ConcurrentDictionary<(string DeviceKey, string Alias), (long AtMs, string Value)> _values = new();

    /// <summary>Keeps <paramref name="value"/> unless a newer one is already known.</summary>
    public void Observe(string deviceKey, string alias, long atMs, string value) =>
        _values.AddOrUpdate(
            (deviceKey, alias),
            static (_, v) => v,
            static (_, old, v) => v.AtMs >= old.AtMs ? v : old,
            (AtMs: atMs, Value: value));

    public bool TryGet(string deviceKey, string alias, out string value)
    {
        if (_values.TryGetValue((deviceKey, alias), out var known))
        {
            value = known.Value;
            return true;
        }

        value = string.Empty;
        return false;
    }
}
