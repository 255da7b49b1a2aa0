namespace Outpost.Cloud.Webhooks;

/// <summary>The states of a webhook delivery.</summary>
internal static class DeliveryStates
{
    public const string Pending = "pending";

    public const string Delivered = "delivered";

    /// <summary>Failed <c>max_attempts</c> times: kept for inspection and manual retry (dead letter).</summary>
    public const string Dead = "dead";

    public static readonly string[] All = [Pending, Delivered, Dead];
}
