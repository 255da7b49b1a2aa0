namespace Outpost.Gateway.Queue;

/// <summary>A non-generic handle on <see cref="StoreOperation{T}"/> so the writer loop can run it.</summary>
internal interface IStoreOperation
{
    /// <summary>
    /// Runs the operation, then <paramref name="publish"/> (the statistics), then completes its caller — in that order,
    /// so a caller reading the statistics after its await sees its own operation. Never throws; false when it failed.
    /// </summary>
    bool Run(Action publish);
}
