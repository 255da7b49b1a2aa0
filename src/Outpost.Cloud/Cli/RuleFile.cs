namespace Outpost.Cloud.Cli;

/// <summary>A rule file's text and how it is sent: <c>application/json</c> or <c>application/yaml</c>.</summary>
internal sealed record RuleFile(string Text, string MediaType);
