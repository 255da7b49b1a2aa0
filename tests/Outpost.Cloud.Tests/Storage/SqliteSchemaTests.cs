using Microsoft.Data.Sqlite;
using Outpost.Cloud.Ingest;
using Outpost.Cloud.Storage;
using Outpost.Cloud.Stream;
using Outpost.Testing;

namespace Outpost.Cloud.Tests.Storage;

/// <summary>A data directory made by an earlier version opens with its data, upgraded to the current tables.</summary>
public sealed class SqliteSchemaTests : IDisposable
{
    private readonly TempDirectory _dir = new("outpost-schema");

    [Fact]
    public async Task MessageIdsOfAnEarlierRowidTable_AreKept_AndStillDeduplicate()
    {
        var path = _dir.Combine("outpost.db");
        using (var old = new SqliteConnection($"Data Source={path}"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE message_ids (
                    device_id INTEGER NOT NULL,
                    message_id TEXT NOT NULL,
                    received_ms INTEGER NOT NULL,
                    PRIMARY KEY (device_id, message_id)
                );
                INSERT INTO message_ids VALUES (7, 'm1', 100), (7, 'm2', 100), (8, 'm1', 200);
                """;
            create.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var database = new SqliteDatabase(path);
        database.Initialize();
        database.Initialize(); // a second start finds nothing to do

        Assert.Contains("WITHOUT ROWID", Scalar<string>(database, "SELECT sql FROM sqlite_schema WHERE name = 'message_ids'"), StringComparison.Ordinal);
        Assert.Equal(3, Scalar<long>(database, "SELECT COUNT(*) FROM message_ids"));
        Assert.Equal(200, Scalar<long>(database, "SELECT received_ms FROM message_ids WHERE device_id = 8 AND message_id = 'm1'"));

        using var store = new SqliteValueStore(database);
        var stored = await store.CommitAsync(
            [new WriteBatch("p", 7, [new ValuePoint("temp", 1, "old"), new ValuePoint("temp", 2, "new")], EventKinds.Batch, WriteSource.Device, ["m2", "m3"])],
            1,
            default);
        Assert.Equal([new ValuePoint("temp", 2, "new")], stored[0]);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private static T Scalar<T>(SqliteDatabase database, string sql)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }
}
