namespace Outpost.Cloud.Stream;

/// <summary>One waiter's hold on the next change of a device's alias (see <see cref="IChangeNotifier.Subscribe"/>).</summary>
/// <param name="changed">Completes with the written value's time (epoch ms) at the next committed write (0: the device's CIK was revoked).</param>
/// <param name="release">Lets go of the hold; called once, by <see cref="Dispose"/>.</param>
internal sealed class ChangeWait(Task<long> changed, Action release) : IDisposable
{
    private Action? _release = release;

    /// <summary>Completes with the written value's time (epoch ms) at the next committed write (0: the device's CIK was revoked).</summary>
    public Task<long> Changed { get; } = changed;

    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
