namespace Outpost.Gateway.Queue;

/// <summary>A non-generic handle on <see cref="StoreOperation{T}"/> so the writer loop can run it.</summary>
internal interface IStoreOperation
{
    /// <summary>Runs the operation and completes its caller; never throws.</summary>
    void Run();
}
