using System.Text.RegularExpressions;

namespace Outpost.Cloud.Rules;

/// <summary>
/// One comparison: <c>subject OP operand</c>. The operand is a literal, or (with <see cref="OtherAlias"/>) the
/// device's latest value of another alias, so "the acknowledgement equals what is pending" can be said.
/// </summary>
internal sealed record Condition(ComparisonOp Op, RuleValue? Literal, string? OtherAlias, Regex? Pattern)
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    public static Condition Create(ComparisonOp op, RuleValue? literal, string? otherAlias) =>
        new(op, literal, otherAlias, op == ComparisonOp.Matches && literal is not null
            ? new Regex(literal.Text, RegexOptions.CultureInvariant, RegexTimeout)
            : null);

    /// <summary>Whether <paramref name="subject"/> passes; <paramref name="operand"/> is the literal or the other alias's value.</summary>
    public bool Test(RuleValue subject, RuleValue? operand)
    {
        operand ??= Literal;
        if (operand is null)
        {
            return false; // The other alias has no value yet: nothing to compare with.
        }

        switch (Op)
        {
            case ComparisonOp.Greater:
                return subject.Number > operand.Number;
            case ComparisonOp.Less:
                return subject.Number < operand.Number;
            case ComparisonOp.GreaterOrEqual:
                return subject.Number >= operand.Number;
            case ComparisonOp.LessOrEqual:
                return subject.Number <= operand.Number;
            case ComparisonOp.Equal:
                return Same(subject, operand);
            case ComparisonOp.NotEqual:
                return !Same(subject, operand);
            case ComparisonOp.Contains:
                return subject.Items is { } items
                    ? items.Contains(operand.Text, StringComparer.Ordinal)
                    : subject.Text.Contains(operand.Text, StringComparison.Ordinal);
            default:
                var pattern = Pattern ?? new Regex(operand.Text, RegexOptions.CultureInvariant, RegexTimeout);
                try
                {
                    return pattern.IsMatch(subject.Text);
                }
                catch (RegexMatchTimeoutException)
                {
                    return false;
                }
        }
    }

    private static bool Same(RuleValue a, RuleValue b) =>
        a.Number is { } x && b.Number is { } y ? x == y : string.Equals(a.Text, b.Text, StringComparison.Ordinal);
}
