using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Outpost.Cloud.Storage;

/// <summary>
/// A statement prepared once on the write path's connection and run many times with positional parameters, straight
/// on SQLitePCLRaw (the provider Microsoft.Data.Sqlite itself wraps).
/// </summary>
/// <remarks>
/// The write path runs two or three inserts per stored value. Through <see cref="SqliteCommand"/> every execution
/// looks each parameter up by name, boxes its value, re-checks the statement and creates and disposes a data reader;
/// at tens of thousands of values a second that was more CPU than SQLite's own work. Errors still surface as
/// <see cref="SqliteException"/>, as from Microsoft.Data.Sqlite.
/// </remarks>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        var rc = raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    /// <summary>Binds parameter <paramref name="index"/> (1-based, as <c>?NNN</c> in the SQL).</summary>
    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <summary>Binds text; SQLite converts the UTF-16 to the database's UTF-8 itself, without a managed copy.</summary>
    public void Bind(int index, string value) => Check(raw.sqlite3_bind_text16(_statement, index, value.AsSpan()));

    /// <summary>Runs a statement that returns no rows; returns the number of rows it changed.</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return raw.sqlite3_changes(_db);
    }

    /// <summary>
    /// Runs an <c>INSERT OR FAIL</c> that may hit a constraint; false when it did. <paramref name="changes"/> is the
    /// number of rows it stored, all before the failing one; the transaction goes on.
    /// </summary>
    public bool TryExecute(out int changes)
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        changes = raw.sqlite3_changes(_db);
        if ((rc & 0xff) == raw.SQLITE_CONSTRAINT)
        {
            return false;
        }

        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return true;
    }

    /// <summary>Runs a query and returns the first column of its first row as an integer, or null when it has no row.</summary>
    public long? QueryInt64()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
            {
                return raw.sqlite3_column_type(_statement, 0) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(_statement, 0);
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }

            return null;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
