namespace Outpost.Cloud.Rules;

/// <summary>An enabled rule ready to evaluate: its id and product beside the parsed definition.</summary>
internal sealed record CompiledRule(string Id, string ProductId, RuleDefinition Definition);
