namespace Outpost.Cloud.Rules;

/// <summary>
/// What must also hold for a rule to act (business logic): the device's registry <paramref name="Status"/>, and
/// conditions on the latest values of its other aliases (<paramref name="Aliases"/>).
/// </summary>
internal sealed record RuleRequirement(string? Status, IReadOnlyList<(string Alias, Condition Condition)> Aliases);
