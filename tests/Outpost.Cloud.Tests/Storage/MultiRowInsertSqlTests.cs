using Outpost.Cloud.Storage;

namespace Outpost.Cloud.Tests.Storage;

public sealed class MultiRowInsertSqlTests
{
    [Fact]
    public void Build_SharedColumnsReuseTheirParameters_PerRowColumnsNumberOnward()
    {
        Assert.Equal(
            "INSERT OR FAIL INTO t (a, b, x, y) VALUES (?1, ?2, ?3, ?4), (?1, ?2, ?5, ?6), (?1, ?2, ?7, ?8)",
            MultiRowInsertSql.Build("t", ["a", "b"], ["x", "y"], 3));
    }

    [Fact]
    public void Build_WithoutSharedColumns_OneRow()
    {
        Assert.Equal("INSERT OR FAIL INTO t (x) VALUES (?1)", MultiRowInsertSql.Build("t", [], ["x"], 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Build_NoRows_Throws(int rows)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MultiRowInsertSql.Build("t", ["a"], ["x"], rows));
    }

    [Fact]
    public void Parameter_MatchesTheBuiltText_ForEveryRowAndColumn()
    {
        var sql = MultiRowInsertSql.Build("t", ["a", "b", "c"], ["x", "y"], MultiRowInsertSql.MaxRows);
        var rows = sql[(sql.IndexOf("VALUES ", StringComparison.Ordinal) + 7)..].Split("), (");
        Assert.Equal(MultiRowInsertSql.MaxRows, rows.Length);
        for (var row = 0; row < rows.Length; row++)
        {
            var parameters = rows[row].Trim('(', ')').Split(", ");
            Assert.Equal(["?1", "?2", "?3"], parameters[..3]);
            Assert.Equal($"?{MultiRowInsertSql.Parameter(3, 2, row, 0)}", parameters[3]);
            Assert.Equal($"?{MultiRowInsertSql.Parameter(3, 2, row, 1)}", parameters[4]);
        }

        Assert.Equal(3 + (2 * MultiRowInsertSql.MaxRows), MultiRowInsertSql.Parameter(3, 2, MultiRowInsertSql.MaxRows - 1, 1));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(15, 8)]
    [InlineData(16, 16)]
    [InlineData(63, 32)]
    [InlineData(64, 64)]
    [InlineData(1000, 64)]
    public void RowsFor_TakesTheLargestPowerOfTwoThatFits_AtMostMaxRows(int remaining, int expected)
    {
        Assert.Equal(expected, MultiRowInsertSql.RowsFor(remaining));
        Assert.Equal(1 << MultiRowInsertSql.SizeIndex(expected), expected);
    }

    [Theory]
    [InlineData(1000, 1, 1)]
    [InlineData(1000, 2, 2)]
    [InlineData(1000, 24, 16)]
    [InlineData(1000, 500, 64)]
    [InlineData(5, 8, 4)]
    public void RowsFor_StaysWithinTheLimit(int remaining, int limit, int expected)
    {
        Assert.Equal(expected, MultiRowInsertSql.RowsFor(remaining, limit));
    }

    [Fact]
    public void RowsFor_CoversEveryCount_WithFewStatements()
    {
        for (var count = 1; count <= 1000; count++)
        {
            var (left, statements) = (count, 0);
            while (left > 0)
            {
                left -= MultiRowInsertSql.RowsFor(left);
                statements++;
            }

            Assert.Equal(0, left);
            Assert.True(statements <= (count / MultiRowInsertSql.MaxRows) + 6, $"{count} rows took {statements} statements");
        }
    }

    [Fact]
    public void RowsFor_Nothing_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MultiRowInsertSql.RowsFor(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MultiRowInsertSql.RowsFor(5, 0));
    }
}
