using System.Text;

namespace Outpost.Cloud.Storage;

/// <summary>
/// The text and parameter numbering of a multi-row <c>INSERT … VALUES (…), (…), …</c> whose leading columns take the
/// same parameters in every row (a request's device, product, kind, clock), so those are bound once per statement.
/// </summary>
/// <remarks>
/// Inserting a thousand values one statement each paid SQLite's per-statement work (cursor open and close, the VDBE
/// program's set-up, an AUTOINCREMENT counter read and written back) and a dozen P/Invoke calls per value; one
/// statement per 64 values pays it once, and binds the shared columns once. Statements exist for powers of two up to
/// <see cref="MaxRows"/> rows, so any count is covered by at most a handful of them, all prepared once.
/// <para>
/// <c>OR FAIL</c>: a failing row stops the statement but keeps the rows before it. With the default (ABORT) SQLite must
/// be able to undo a multi-row statement, so it copies every page the statement touches into a statement journal
/// first — for the bulk endpoints that was a tenth of the writer's CPU. A failed write fails its whole transaction
/// anyway, and for message ids the rows kept before a seen id are exactly the new ones (see SqliteValueStore).
/// </para>
/// </remarks>
internal static class MultiRowInsertSql
{
    /// <summary>The largest statement: 64 rows of three columns stay far below SQLite's parameter limit.</summary>
    public const int MaxRows = 64;

    /// <summary>
    /// <c>INSERT OR FAIL INTO table (shared…, perRow…) VALUES (?1…, ?k…), (?1…, ?k+n…)…</c>.
    /// </summary>
    public static string Build(string table, IReadOnlyList<string> shared, IReadOnlyList<string> perRow, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfZero(perRow.Count);
        var sql = new StringBuilder("INSERT OR FAIL INTO ").Append(table).Append(" (");
        sql.AppendJoin(", ", shared.Concat(perRow)).Append(") VALUES ");
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ", (");
            for (var column = 0; column < shared.Count; column++)
            {
                sql.Append('?').Append(column + 1).Append(", ");
            }

            for (var column = 0; column < perRow.Count; column++)
            {
                sql.Append(column == 0 ? "?" : ", ?").Append(Parameter(shared.Count, perRow.Count, row, column));
            }

            sql.Append(')');
        }

        return sql.ToString();
    }

    /// <summary>The 1-based parameter number of per-row <paramref name="column"/> in <paramref name="row"/>.</summary>
    public static int Parameter(int sharedCount, int perRowCount, int row, int column) =>
        sharedCount + (row * perRowCount) + column + 1;

    /// <summary>
    /// Rows the next statement takes when <paramref name="remaining"/> are left: the largest power of two that fits,
    /// and at most <paramref name="limit"/>.
    /// </summary>
    public static int RowsFor(int remaining, int limit = MaxRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(remaining, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var fits = Math.Min(Math.Min(remaining, limit), MaxRows);
        return 1 << (31 - int.LeadingZeroCount(fits));
    }

    /// <summary>Which of the prepared statements (0 = one row, 1 = two, …) takes <paramref name="rows"/> rows.</summary>
    public static int SizeIndex(int rows) => 31 - int.LeadingZeroCount(rows);
}
