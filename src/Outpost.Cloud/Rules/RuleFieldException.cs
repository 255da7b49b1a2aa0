namespace Outpost.Cloud.Rules;

/// <summary>A bad field of a rule definition; only <see cref="RuleParser"/> throws and catches it.</summary>
internal sealed class RuleFieldException(string field, string problem) : Exception($"{field}: {problem}")
{
    public string Field { get; } = field;
}
