namespace Outpost.Cloud.Webhooks;

/// <summary>
/// One webhook call waiting, done, or dead-lettered: the exact body and its signature are fixed when the rule fires,
/// so a retry sends the same bytes and the secret is never needed again.
/// </summary>
internal sealed record WebhookDelivery(
    string Id,
    string ProductId,
    string RuleId,
    string EventType,
    Uri Url,
    string Body,
    string? Signature,
    int Attempts,
    int MaxAttempts,
    TimeSpan Backoff,
    DateTimeOffset NextAttempt,
    string State,
    string? LastError,
    DateTimeOffset Created,
    DateTimeOffset Updated);
