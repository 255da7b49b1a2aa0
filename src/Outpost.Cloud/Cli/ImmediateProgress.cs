namespace Outpost.Cloud.Cli;

/// <summary>Reports on the caller's thread: <see cref="Progress{T}"/> would post to the thread pool and lag behind the transfer.</summary>
internal sealed class ImmediateProgress(Action<long> report) : IProgress<long>
{
    public void Report(long value) => report(value);
}
