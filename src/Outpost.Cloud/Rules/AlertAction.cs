namespace Outpost.Cloud.Rules;

/// <summary>Opens an alert of <paramref name="Severity"/>; <paramref name="Message"/> may use the templates of <see cref="RuleTemplate"/>.</summary>
internal sealed record AlertAction(string Severity, string? Message);
