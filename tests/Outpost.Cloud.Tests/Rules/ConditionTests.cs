using Outpost.Cloud.Rules;

namespace Outpost.Cloud.Tests.Rules;

public sealed class ConditionTests
{
    private static bool Test(ComparisonOp op, string subject, string operand) =>
        Condition.Create(op, RuleValue.FromText(operand), null).Test(RuleValue.FromText(subject), null);

    [Theory]
    [InlineData("Greater", "91", "90", true)]
    [InlineData("Greater", "90", "90", false)]
    [InlineData("Less", "79.9", "80", true)]
    [InlineData("Less", "80", "80", false)]
    [InlineData("GreaterOrEqual", "90", "90", true)]
    [InlineData("GreaterOrEqual", "89", "90", false)]
    [InlineData("LessOrEqual", "90", "90", true)]
    [InlineData("LessOrEqual", "91", "90", false)]
    [InlineData("Greater", "high", "90", false)]
    [InlineData("Less", "high", "90", false)]
    [InlineData("Equal", "1.0", "1", true)]
    [InlineData("Equal", "on", "on", true)]
    [InlineData("Equal", "on", "ON", false)]
    [InlineData("NotEqual", "on", "off", true)]
    [InlineData("NotEqual", "2", "2.0", false)]
    [InlineData("Contains", "disk error on sda", "error", true)]
    [InlineData("Contains", "all fine", "error", false)]
    [InlineData("Matches", "power=off", "^power=(on|off)$", true)]
    [InlineData("Matches", "power=maybe", "^power=(on|off)$", false)]
    public void Test_ComparesTextAndNumbers(string op, string subject, string operand, bool expected) =>
        Assert.Equal(expected, Test(Enum.Parse<ComparisonOp>(op), subject, operand));

    [Fact]
    public void Contains_OnAJsonArray_LooksForAnItem()
    {
        var subject = RuleValue.FromJson(System.Text.Json.JsonDocument.Parse("[\"a\", \"bc\", 3]").RootElement);
        var condition = Condition.Create(ComparisonOp.Contains, RuleValue.FromText("bc"), null);
        Assert.True(condition.Test(subject, null));
        Assert.False(condition.Test(subject, RuleValue.FromText("b")));
        Assert.True(condition.Test(subject, RuleValue.FromText("3")));
    }

    [Fact]
    public void Test_AgainstAnotherAlias_WithoutItsValue_IsFalse() =>
        Assert.False(Condition.Create(ComparisonOp.Equal, null, "pending").Test(RuleValue.FromText("x"), null));
}
