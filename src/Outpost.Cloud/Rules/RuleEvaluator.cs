using System.Text.Json;

namespace Outpost.Cloud.Rules;

/// <summary>
/// The rule evaluator: given a rule, one value of its alias, the device's window and firing state and facts, says
/// what happens. Pure (no clock, no I/O): the rules engine around it feeds events and carries out the outcome.
/// </summary>
/// <remarks>
/// 1. Extract: the value itself, or what the JSON path finds in it (no match: the rule ignores the value).
/// 2. Window: add the value to the device's window and compare the window's avg/min/max/count instead.
/// 3. State rule: not firing → opens when the condition and the requirements hold; firing → clears when
///    <c>clear_when</c> holds (hysteresis), or without one when the condition no longer holds.
///    Event rule: fires when the condition holds, or is refused when a requirement fails.
/// </remarks>
internal static class RuleEvaluator
{
    public static RuleOutcome Evaluate(RuleDefinition rule, string value, long ts, long offset, RuleWindow? window, bool firing, DeviceFacts facts) =>
        Evaluate(rule, value, ts, offset, window, firing, facts, out _);

    /// <summary>As above; <paramref name="compared"/> is what the condition looked at (the path's match, the window's value).</summary>
    public static RuleOutcome Evaluate(RuleDefinition rule, string value, long ts, long offset, RuleWindow? window, bool firing, DeviceFacts facts, out RuleValue? compared)
    {
        compared = null;
        if (rule.When is null || Extract(rule, value) is not { } subject)
        {
            return RuleOutcome.None;
        }

        if (window is not null)
        {
            window.Add(offset, ts, subject.Number);
            if (window.Reduce(ts) is not { } reduced)
            {
                return RuleOutcome.None;
            }

            subject = RuleValue.FromNumber(reduced);
        }

        compared = subject;

        if (rule.Mode == RuleMode.Event)
        {
            return !Test(rule.When, subject, facts) ? RuleOutcome.None
                : Allowed(rule.Require, facts) ? RuleOutcome.Fire
                : RuleOutcome.Refuse;
        }

        if (!firing)
        {
            return Test(rule.When, subject, facts) && Allowed(rule.Require, facts) ? RuleOutcome.Open : RuleOutcome.None;
        }

        var clears = rule.ClearWhen is { } clearWhen ? Test(clearWhen, subject, facts) : !Test(rule.When, subject, facts);
        return clears ? RuleOutcome.Clear : RuleOutcome.None;
    }

    /// <summary>The value a rule compares: the whole value, or the JSON path's match (null when there is none).</summary>
    public static RuleValue? Extract(RuleDefinition rule, string value)
    {
        if (rule.Path is null)
        {
            return RuleValue.FromText(value);
        }

        try
        {
            using var document = JsonDocument.Parse(value);
            return rule.Path.Select(document.RootElement) is { } found ? RuleValue.FromJson(found) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether the device's status and latest values allow the rule to act.</summary>
    public static bool Allowed(RuleRequirement? require, DeviceFacts facts)
    {
        if (require is null)
        {
            return true;
        }

        if (require.Status is not null && !string.Equals(require.Status, facts.Status, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var (alias, condition) in require.Aliases)
        {
            if (facts.Value(alias) is not { } latest || !Test(condition, latest, facts))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Test(Condition condition, RuleValue subject, DeviceFacts facts) =>
        condition.OtherAlias is null
            ? condition.Test(subject, null)
            : facts.Value(condition.OtherAlias) is { } other && condition.Test(subject, other);
}
