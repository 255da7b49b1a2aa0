namespace Outpost.Cloud.Rules;

/// <summary>A write a rule decided: through the write path, with a message id so a redelivered event does not write twice.</summary>
internal sealed record RuleWrite(string RuleName, string ProductId, string Serial, string Alias, string Value, string MessageId);
