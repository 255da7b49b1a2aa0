namespace Outpost.Cloud.Rules;

/// <summary>
/// POSTs the firing to <paramref name="Url"/> signed with <paramref name="Secret"/> (HMAC-SHA256), retrying with
/// exponential backoff from <paramref name="Backoff"/> and dead-lettering after <paramref name="MaxAttempts"/>.
/// </summary>
internal sealed record WebhookAction(Uri Url, string? Secret, int MaxAttempts, TimeSpan Backoff);
