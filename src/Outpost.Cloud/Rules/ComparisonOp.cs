namespace Outpost.Cloud.Rules;

/// <summary>The comparisons of a rule condition: <c>&gt; &lt; &gt;= &lt;= == != contains matches</c>.</summary>
internal enum ComparisonOp
{
    Greater,
    Less,
    GreaterOrEqual,
    LessOrEqual,
    Equal,
    NotEqual,
    Contains,
    Matches,
}
