namespace Outpost.Cloud.Rules;

/// <summary>
/// A rule as data, parsed and checked by <see cref="RuleParser"/>: a condition on an alias (through a JSON path,
/// optionally over a time window, with hysteresis) or an absence check, gates, and actions.
/// </summary>
internal sealed record RuleDefinition(
    string Name,
    string? Alias,
    JsonPathQuery? Path,
    Condition? When,
    Condition? ClearWhen,
    WindowFunction? WindowFunction,
    TimeSpan WindowLength,
    RuleMode Mode,
    IReadOnlySet<string> Sources,
    AbsenceSpec? Absence,
    RuleRequirement? Require,
    IReadOnlyList<RuleAction> Actions,
    IReadOnlyList<RuleAction> Otherwise)
{
    /// <summary>The other aliases whose latest values the rule needs (requirements, alias operands).</summary>
    public IReadOnlyList<string> FactAliases { get; } =
        (Require?.Aliases.Select(a => a.Alias) ?? [])
            .Concat(Require?.Aliases.Select(a => a.Condition.OtherAlias).OfType<string>() ?? [])
            .Concat(new[] { When?.OtherAlias, ClearWhen?.OtherAlias }.OfType<string>())
            .Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Every alias the rule reads or writes — the ones <see cref="RuleParser"/> checks against the product: the alias it
    /// watches, its <see cref="FactAliases"/>, and the aliases its write actions (on fire or otherwise) write.
    /// </summary>
    public bool Uses(string alias) =>
        Alias == alias
        || FactAliases.Contains(alias, StringComparer.Ordinal)
        || Actions.Concat(Otherwise).Any(a => a.Write?.Alias == alias);
}
