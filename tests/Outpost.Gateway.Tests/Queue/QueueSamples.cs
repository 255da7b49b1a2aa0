using Outpost.Gateway.Queue;

namespace Outpost.Gateway.Tests.Queue;

/// <summary>Short ways to build test values and to drain a queue.</summary>
internal static class QueueSamples
{
    public static QueuedValue Of(string device, string alias, long capturedAtMs, string value, TimeSpan? ttl = null) =>
        new(device, alias, capturedAtMs, value, ttl);

    public static async Task<List<QueuedMessage>> DrainAsync(MessageQueue queue, int batch = 1000)
    {
        var all = new List<QueuedMessage>();
        while (true)
        {
            var messages = await queue.PeekBatchAsync(batch, long.MaxValue);
            if (messages.Count == 0)
            {
                return all;
            }

            all.AddRange(messages);
            await queue.AckAsync(messages.Select(m => m.MessageId).ToList());
        }
    }
}
