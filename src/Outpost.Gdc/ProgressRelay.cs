namespace Outpost.Gdc;

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (unlike <c>Progress&lt;T&gt;</c>, which posts and may reorder).</summary>
internal sealed class ProgressRelay<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
