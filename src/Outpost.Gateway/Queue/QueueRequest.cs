namespace Outpost.Gateway.Queue;

/// <summary>Work handed to the queue's single writer loop: an <see cref="EnqueueRequest"/> or a <see cref="StoreOperation{T}"/>.</summary>
internal abstract class QueueRequest;
