using Microsoft.Data.Sqlite;

namespace Edge.Store;

/// <summary>Reads the log in id order: the results engine replays it at start, the sync agent publishes from it.</summary>
public sealed class LogReader : IDisposable
{
    /// <summary>The log's columns in <see cref="LogEntry"/> order, after <c>$after</c> (parameter 1), at most <c>$limit</c> (parameter 2).</summary>
    public const string SelectAfterSql = """
        SELECT id, kind, source_id, location, seq, tag, at_ms, lap, reader, gator, received_ms, raw, meet_id
        FROM log WHERE id > $after ORDER BY id LIMIT $limit
        """;

    private readonly SqliteCommand _after;
    private readonly SqliteParameter _afterId;
    private readonly SqliteParameter _limit;

    public LogReader(SqliteConnection connection)
    {
        _after = connection.CreateCommand();
        _after.CommandText = SelectAfterSql;
        _afterId = _after.Parameters.Add("$after", SqliteType.Integer);
        _limit = _after.Parameters.Add("$limit", SqliteType.Integer);
        _after.Prepare();
    }

    /// <summary>Up to <paramref name="limit"/> entries with an id above <paramref name="afterId"/>, in id order.</summary>
    public List<LogEntry> ReadAfter(long afterId, int limit)
    {
        _afterId.Value = afterId;
        _limit.Value = limit;
        var entries = new List<LogEntry>(Math.Min(limit, 4096));
        using var reader = _after.ExecuteReader();
        while (reader.Read())
        {
            entries.Add(new LogEntry(
                reader.GetInt64(0),
                (LogKind)reader.GetInt32(1),
                reader.GetInt64(2),
                reader.GetString(3),
                reader.GetInt64(4),
                reader.GetString(5),
                reader.GetInt64(6),
                reader.GetInt32(7),
                reader.GetString(8),
                reader.GetInt32(9),
                reader.GetInt64(10),
                reader.GetString(11),
                reader.GetInt64(12)));
        }

        return entries;
    }

    public void Dispose() => _after.Dispose();
}
