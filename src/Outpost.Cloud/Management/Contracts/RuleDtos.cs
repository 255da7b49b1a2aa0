using System.Text.Json;

namespace Outpost.Cloud.Management.Contracts;

/// <summary>A rule as the API shows it: the definition as written (webhook secrets shown as "(set)").</summary>
internal sealed record RuleDto(string Id, string ProductId, string Name, bool Enabled, int Firing, JsonElement Definition, DateTimeOffset Created, DateTimeOffset Updated);

/// <summary>An alert.</summary>
internal sealed record AlertDto(
    string Id,
    string ProductId,
    string RuleId,
    string Rule,
    string Serial,
    string Severity,
    string State,
    string Message,
    string Value,
    DateTimeOffset Opened,
    DateTimeOffset? Cleared,
    DateTimeOffset? Acknowledged,
    string? AcknowledgedBy);

/// <summary>A webhook delivery (pending, delivered, or dead-lettered), with the exact body sent.</summary>
internal sealed record DeliveryDto(
    string Id,
    string ProductId,
    string RuleId,
    string Type,
    string Url,
    string State,
    int Attempts,
    int MaxAttempts,
    DateTimeOffset NextAttempt,
    string? LastError,
    string Body,
    DateTimeOffset Created,
    DateTimeOffset Updated);
