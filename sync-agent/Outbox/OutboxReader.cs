using Edge.Store;
using Microsoft.Data.Sqlite;

namespace Edge.SyncAgent.Outbox;

/// <summary>
/// The outbox: the appliance's append-only log in <c>edge.db</c>, opened read-only. Every call is one short
/// statement (its own read transaction), so nothing is held open while the agent waits and the appliance's
/// WAL checkpoints are never blocked.
/// </summary>
public sealed class OutboxReader(string dataDir) : IDisposable
{
    private readonly Dictionary<long, string> _sources = [];
    private SqliteConnection? _connection;
    private LogReader? _reader;
    private SqliteCommand? _lastId;

    public string DatabasePath { get; } = Path.Combine(dataDir, EdgeDatabase.FileName);

    public bool IsOpen => _connection is not null;

    /// <summary>Opens the database when it exists; false (and nothing held) while the appliance has not created it.</summary>
    public bool TryOpen()
    {
        if (_connection is not null)
        {
            return true;
        }

        if (!File.Exists(DatabasePath))
        {
            return false;
        }

        try
        {
            _connection = EdgeDatabase.OpenReader(dataDir);
            using (var check = _connection.CreateCommand())
            {
                // A database the appliance has only just created may not have its tables yet.
                check.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('log', 'sources')";
                if (Convert.ToInt64(check.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) < 2)
                {
                    Close();
                    return false;
                }
            }

            _reader = new LogReader(_connection);
            _lastId = _connection.CreateCommand();
            _lastId.CommandText = "SELECT COALESCE(MAX(id), 0) FROM log";
            _lastId.Prepare();
            return true;
        }
        catch (SqliteException)
        {
            Close();
            return false;
        }
    }

    /// <summary>Highest id in the log (0 when empty).</summary>
    public long LastId() => (long)_lastId!.ExecuteScalar()!;

    /// <summary>Up to <paramref name="limit"/> entries after <paramref name="afterId"/>, in id order.</summary>
    public List<LogEntry> ReadAfter(long afterId, int limit) => _reader!.ReadAfter(afterId, limit);

    /// <summary>
    /// A key for the log's first entry: a different key under the same data dir means a different log (a new
    /// meet's database), whose ids start again.
    /// </summary>
    public string? FirstEntryKey()
    {
        var first = _reader!.ReadAfter(0, 1);
        if (first.Count == 0)
        {
            return null;
        }

        var e = first[0];
        var text = $"{e.Id}|{(int)e.Kind}|{e.Location}|{e.Sequence}|{e.Tag}|{e.AtMs}|{e.ReceivedMs}|{e.Raw}";
        return Hash.Of(text);
    }

    /// <summary>The CTP01 connection id of a source, as the log's <c>sources</c> table names it.</summary>
    public string SourceName(long sourceId)
    {
        if (_sources.TryGetValue(sourceId, out var name))
        {
            return name;
        }

        using var command = _connection!.CreateCommand();
        command.CommandText = "SELECT id, connection_id FROM sources";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            _sources[reader.GetInt64(0)] = reader.GetString(1);
        }

        return _sources.TryGetValue(sourceId, out name) ? name : sourceId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Drops the connection (after an error); the next <see cref="TryOpen"/> opens it again.</summary>
    public void Close()
    {
        _lastId?.Dispose();
        _reader?.Dispose();
        _connection?.Dispose();
        _lastId = null;
        _reader = null;
        _connection = null;
        _sources.Clear();
    }

    public void Dispose() => Close();
}
