using Microsoft.Data.Sqlite;
using Outpost.Cloud.Hosting;

namespace Outpost.Cloud.Storage;

/// <summary>
/// The embedded store's file: opens connections with the pragmas every connection needs and creates the schema.
/// </summary>
/// <remarks>
/// WAL lets readers run while the single writer of the write path commits; <c>synchronous=FULL</c> makes every
/// commit survive power loss, not only a killed process — the write path amortises that fsync over a whole batch.
/// Only the SQLite providers in this folder know this type; the rest of the cloud sees the store interfaces.
/// </remarks>
internal sealed class SqliteDatabase
{
    private readonly string _connectionString;

    public SqliteDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout=30000; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout=30000; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>Creates the file and schema if missing. Idempotent.</summary>
    public void Initialize()
    {
        OwnerOnly.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        // Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the database file's mode.
        OwnerOnly.CreateFile(Path);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;" + SqliteSchema.Ddl;
        command.ExecuteNonQuery();
        SqliteSchema.Migrate(connection);
    }
}
