using Microsoft.Data.Sqlite;

namespace Edge.StoreBenchmarks;

/// <summary>
/// The appliance's <c>log</c> table and its insert (store/EdgeDatabase.cs, store/LogWriter.cs) with nothing
/// else: the same columns, both unique indexes, WAL + synchronous=FULL, one IMMEDIATE transaction per batch.
/// </summary>
internal sealed class SqliteLogStore : ILogStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS log (
            id          INTEGER PRIMARY KEY,
            kind        INTEGER NOT NULL,
            source_id   INTEGER NOT NULL,
            location    TEXT NOT NULL,
            seq         INTEGER NOT NULL,
            tag         TEXT NOT NULL,
            at_ms       INTEGER NOT NULL,
            lap         INTEGER NOT NULL,
            reader      TEXT NOT NULL,
            gator       INTEGER NOT NULL,
            received_ms INTEGER NOT NULL,
            raw         TEXT NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS log_source_seq ON log(source_id, location, seq);
        CREATE UNIQUE INDEX IF NOT EXISTS log_identity ON log(at_ms, location, tag, reader, gator) WHERE kind IN (1, 2);
        """;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter[] _p;

    private SqliteLogStore(SqliteConnection connection)
    {
        _connection = connection;
        _insert = connection.CreateCommand();
        _insert.CommandText = """
            INSERT OR IGNORE INTO log (id, kind, source_id, location, seq, tag, at_ms, lap, reader, gator, received_ms, raw)
            VALUES ($id, 1, $source, $location, $seq, $tag, $at, $lap, $reader, $gator, $received, $raw)
            """;
        string[] names = ["$id", "$source", "$location", "$seq", "$tag", "$at", "$lap", "$reader", "$gator", "$received", "$raw"];
        _p = [.. names.Select(n => _insert.Parameters.Add(n, SqliteType.Integer))];
        foreach (var text in new[] { 2, 4, 7, 10 })
        {
            _p[text].SqliteType = SqliteType.Text;
        }
    }

    public static SqliteLogStore OpenWriter(string dir)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dir, "edge.db"),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;");
        Execute(connection, Schema);
        return new SqliteLogStore(connection);
    }

    public static SqliteLogStore OpenReader(string dir)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dir, "edge.db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout=5000;");
        return new SqliteLogStore(connection);
    }

    public void Append(ReadOnlySpan<ReadRecord> batch)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        _insert.Transaction = transaction;
        foreach (ref readonly var r in batch)
        {
            Bind(r);
            _insert.ExecuteNonQuery();
        }

        transaction.Commit();
        _insert.Transaction = null;
    }

    public bool TryInsert(ReadRecord record)
    {
        Bind(record);
        return _insert.ExecuteNonQuery() == 1;
    }

    public IReadOnlyList<long> NewestIds(int limit)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT * FROM log ORDER BY id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var ids = new List<long>(limit);
        var row = new object[reader.FieldCount];
        while (reader.Read())
        {
            // The whole record, as LiteDB returns whole documents.
            reader.GetValues(row);
            ids.Add((long)row[0]);
        }

        return ids;
    }

    public long Count()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM log";
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        _insert.Dispose();
        _connection.Dispose();
    }

    private void Bind(in ReadRecord r)
    {
        _p[0].Value = r.Id;
        _p[1].Value = r.SourceId;
        _p[2].Value = r.Location;
        _p[3].Value = r.Sequence;
        _p[4].Value = r.Tag;
        _p[5].Value = r.AtMs;
        _p[6].Value = r.Lap;
        _p[7].Value = r.Reader;
        _p[8].Value = r.Gator;
        _p[9].Value = r.ReceivedMs;
        _p[10].Value = r.Raw;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
