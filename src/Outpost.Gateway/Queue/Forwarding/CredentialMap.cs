using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Outpost.Gateway.Queue.Forwarding;

/// <summary>
/// GMQ's identity → CIK map: which CIK forwards each device key's values. Kept in memory for the hot path and written
/// through to the queue file (mode 0600) so a restart keeps every identity — GMQ cannot forward with a hash, so it
/// must hold the CIKs themselves.
/// </summary>
/// <remarks>
/// Device keys: <c>cik:&lt;16 hex of sha256(cik)&gt;</c> for apps that send <c>X-Exosite-CIK</c> (the key, unlike the
/// CIK, is safe to print in <c>gwe gmq dead-letters</c> and logs), <c>vms:&lt;vendor&gt; &lt;model&gt; &lt;serial&gt;</c>
/// for apps that send <c>X-Exosite-VMS</c> or activate through GMQ.
/// </remarks>
internal sealed class CredentialMap(MessageQueue queue, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, StoredCredential> _map = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _refused = new(StringComparer.Ordinal);

    // One activation per identity at a time: the app's activation call and the forwarder's pass over pending identities
    // both activate, and the cloud activates a serial once. The second caller is told "already activated", and when the
    // first had not saved the CIK yet it took that for a refusal (409 to the app, or the identity's values dead-lettered).
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _activationTurns = new(StringComparer.Ordinal);
    private int _waitingForActivation;

    // CIK as sent → device key, so a write does not hash its CIK every time. Holds nothing _map does not: GMQ keeps the
    // CIKs themselves in memory (and in the 0600 queue file) to forward under them.
    private readonly ConcurrentDictionary<string, string> _keyBySentCik = new(StringComparer.Ordinal);

    public static string KeyForCik(string cik) =>
        "cik:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cik.ToLowerInvariant())))[..16];

    public static string KeyForVms(string vendor, string model, string serial) => $"vms:{vendor} {model} {serial}";

    /// <summary>Loads the saved map; called once before the local API listens.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        foreach (var credential in await queue.LoadCredentialsAsync(cancellationToken))
        {
            _map[credential.DeviceKey] = credential;
        }
    }

    public StoredCredential? Find(string deviceKey) => _map.GetValueOrDefault(deviceKey);

    public string? CikFor(string deviceKey) => _map.TryGetValue(deviceKey, out var credential) ? credential.Cik : null;

    /// <summary>VMS identities GMQ still has to activate.</summary>
    public IReadOnlyList<StoredCredential> Pending() =>
        _map.Values.Where(c => c.Cik is null && c.Vendor is not null && !_refused.ContainsKey(c.DeviceKey)).ToList();

    /// <summary>The cloud refused to activate this identity: stop trying until <see cref="ClearRefused"/>.</summary>
    public void MarkRefused(string deviceKey) => _refused[deviceKey] = true;

    /// <summary>Try activating this identity again: after a <c>gwe gmq retry</c> that requeued its values, or the app's own activation call.</summary>
    public void ClearRefused(string deviceKey) => _refused.TryRemove(deviceKey, out _);

    /// <summary>Callers waiting for another's activation of the same identity to end (what tests wait for).</summary>
    public int WaitingForActivation => Volatile.Read(ref _waitingForActivation);

    /// <summary>
    /// Runs <paramref name="activation"/> (ask the cloud, save the CIK) when no one else activates
    /// <paramref name="deviceKey"/>: whoever comes next finds the CIK it saved. One gate per identity, bounded as the map is.
    /// </summary>
    public async Task<T> InActivationTurnAsync<T>(string deviceKey, Func<Task<T>> activation, CancellationToken cancellationToken)
    {
        var gate = _activationTurns.GetOrAdd(deviceKey, static _ => new SemaphoreSlim(1, 1));
        Interlocked.Increment(ref _waitingForActivation);
        try
        {
            await gate.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waitingForActivation);
        }

        try
        {
            return await activation();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The device key of an app's CIK; saved (durably) the first time it is seen.</summary>
    public async Task<string> RememberCikAsync(string cik, CancellationToken cancellationToken)
    {
        if (_keyBySentCik.TryGetValue(cik, out var cached))
        {
            return cached;
        }

        var sent = cik;
        cik = cik.ToLowerInvariant();
        var key = KeyForCik(cik);
        if (!_map.TryGetValue(key, out var known) || known.Cik != cik)
        {
            await SaveAsync(new StoredCredential(key, cik, null, null, null, Now()), cancellationToken);
        }

        // Bounded by the apps on the gateway; a flood of made-up CIKs is bounded the same way the saved map is.
        _keyBySentCik[sent] = key;
        return key;
    }

    /// <summary>The device key of a VMS identity; saved as pending (no CIK yet) the first time it is seen.</summary>
    public async Task<string> RememberVmsAsync(string vendor, string model, string serial, CancellationToken cancellationToken)
    {
        var key = KeyForVms(vendor, model, serial);
        if (!_map.ContainsKey(key))
        {
            await SaveAsync(new StoredCredential(key, null, vendor, model, serial, Now()), cancellationToken);
        }

        return key;
    }

    /// <summary>Sets (or clears, with null) the CIK of a VMS identity.</summary>
    public Task SetCikAsync(StoredCredential credential, string? cik, CancellationToken cancellationToken) =>
        SaveAsync(credential with { Cik = cik?.ToLowerInvariant(), UpdatedAtMs = Now() }, cancellationToken);

    private async Task SaveAsync(StoredCredential credential, CancellationToken cancellationToken)
    {
        // Durable first: an identity in memory but not on disk would be lost with its values' forwarding on a crash.
        await queue.SaveCredentialAsync(credential, cancellationToken);
        _map[credential.DeviceKey] = credential;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
