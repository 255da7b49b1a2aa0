using Microsoft.Data.Sqlite;

namespace Outpost.Cloud.Storage;

/// <summary>
/// One table's multi-row INSERT on the write path's connection (<see cref="MultiRowInsertSql"/>), prepared on first
/// use for each power-of-two row count.
/// </summary>
internal sealed class MultiRowInsert(SqliteConnection connection, string table, string[] shared, string[] perRow) : IDisposable
{
    private readonly SqliteStatement?[] _bySize = new SqliteStatement?[MultiRowInsertSql.SizeIndex(MultiRowInsertSql.MaxRows) + 1];

    /// <summary>The statement for the next rows of <paramref name="remaining"/> (at most <paramref name="limit"/>), and how many rows it takes.</summary>
    public SqliteStatement Next(int remaining, out int rows, int limit = MultiRowInsertSql.MaxRows)
    {
        rows = MultiRowInsertSql.RowsFor(remaining, limit);
        var index = MultiRowInsertSql.SizeIndex(rows);
        return _bySize[index] ??= new SqliteStatement(connection, MultiRowInsertSql.Build(table, shared, perRow, rows));
    }

    /// <summary>The parameter of per-row <paramref name="column"/> in <paramref name="row"/>; shared columns are 1…n.</summary>
    public int Parameter(int row, int column) => MultiRowInsertSql.Parameter(shared.Length, perRow.Length, row, column);

    public void Dispose()
    {
        foreach (var statement in _bySize)
        {
            statement?.Dispose();
        }
    }
}
