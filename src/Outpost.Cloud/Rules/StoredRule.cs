namespace Outpost.Cloud.Rules;

/// <summary>A rule as the store holds it: its definition JSON (webhook secrets protected, see <see cref="RuleSecrets"/>) and whether it runs.</summary>
internal sealed record StoredRule(string Id, string ProductId, string Name, string Definition, bool Enabled, DateTimeOffset Created, DateTimeOffset Updated);
