using Edge.Store;
using SQLitePCL;

namespace Edge.SyncAgent.Outbox;

/// <summary>The outbox cannot be read: the database is missing, locked too long, corrupt or not the appliance's log.</summary>
public sealed class OutboxException(string message) : Exception(message);

/// <summary>
/// The outbox: the appliance's append-only log in <c>edge.db</c>, opened read-only. Every call is one short
/// statement (its own read transaction), so nothing is held open while the agent waits and the appliance's
/// WAL checkpoints are never blocked.
/// </summary>
/// <remarks>
/// Goes to SQLite's C API (SQLitePCLRaw, the library under Microsoft.Data.Sqlite) directly: the agent runs beside
/// the appliance on a small box, and ADO.NET's machinery (System.Data.Common, connection-string parsing with its
/// regular expressions and type converters) costs it several MiB of resident memory for three prepared statements.
/// </remarks>
public sealed class OutboxReader(string dataDir) : IDisposable
{
    private readonly Dictionary<long, string> _sources = [];
    private readonly Dictionary<long, string> _meets = [];
    private sqlite3? _db;
    private sqlite3_stmt? _after;
    private sqlite3_stmt? _lastId;

    static OutboxReader() => Batteries_V2.Init();

    public string DatabasePath { get; } = Path.Combine(dataDir, EdgeDatabase.FileName);

    public bool IsOpen => _db is not null;

    /// <summary>Opens the database when it exists; false (and nothing held) while the appliance has not created it.</summary>
    public bool TryOpen()
    {
        if (_db is not null)
        {
            return true;
        }

        if (!File.Exists(DatabasePath))
        {
            return false;
        }

        try
        {
            var rc = raw.sqlite3_open_v2(DatabasePath, out var db, raw.SQLITE_OPEN_READONLY, null);
            _db = db;
            Check(rc);
            Check(raw.sqlite3_busy_timeout(db, 5000));
            // The log is read once, front to back: SQLite's page cache (2 MiB by default) would only hold pages
            // that are never read again. The system's file cache serves the rest.
            Check(raw.sqlite3_exec(db, "PRAGMA cache_size = -256"));
            // A database the appliance has only just created may not have its tables yet.
            if (Scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('log', 'sources')") < 2)
            {
                Close();
                return false;
            }

            _after = Prepare(LogReader.SelectAfterSql);
            _lastId = Prepare("SELECT COALESCE(MAX(id), 0) FROM log");
            return true;
        }
        catch (OutboxException)
        {
            Close();
            return false;
        }
    }

    /// <summary>Highest id in the log (0 when empty).</summary>
    public long LastId()
    {
        var statement = _lastId!;
        try
        {
            Check(raw.sqlite3_step(statement), raw.SQLITE_ROW);
            return raw.sqlite3_column_int64(statement, 0);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>
    /// Up to <paramref name="limit"/> entries after <paramref name="afterId"/>, in id order, ending early (after at
    /// least one) once their text passes <paramref name="maxTextBytes"/>: raw lines can be up to 4 KiB each, and a
    /// page must fit the agent's bounded heap whatever the timing software sent.
    /// </summary>
    public List<LogEntry> ReadAfter(long afterId, int limit, int maxTextBytes = int.MaxValue)
    {
        var statement = _after!;
        var entries = new List<LogEntry>(Math.Min(limit, 4096));
        try
        {
            Check(raw.sqlite3_bind_int64(statement, 1, afterId));
            Check(raw.sqlite3_bind_int64(statement, 2, limit));
            var textBytes = 0L;
            while (textBytes < maxTextBytes)
            {
                var rc = raw.sqlite3_step(statement);
                if (rc == raw.SQLITE_DONE)
                {
                    break;
                }

                Check(rc, raw.SQLITE_ROW);
                textBytes += raw.sqlite3_column_bytes(statement, 3) + raw.sqlite3_column_bytes(statement, 5)
                    + raw.sqlite3_column_bytes(statement, 8) + raw.sqlite3_column_bytes(statement, 11);
                entries.Add(new LogEntry(
                    raw.sqlite3_column_int64(statement, 0),
                    (LogKind)raw.sqlite3_column_int(statement, 1),
                    raw.sqlite3_column_int64(statement, 2),
                    Text(statement, 3),
                    raw.sqlite3_column_int64(statement, 4),
                    Text(statement, 5),
                    raw.sqlite3_column_int64(statement, 6),
                    raw.sqlite3_column_int(statement, 7),
                    Text(statement, 8),
                    raw.sqlite3_column_int(statement, 9),
                    raw.sqlite3_column_int64(statement, 10),
                    Text(statement, 11),
                    raw.sqlite3_column_int64(statement, 12)));
            }

            return entries;
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>
    /// A key for the log's first entry: a different key under the same data dir means a different log (a new
    /// meet's database), whose ids start again.
    /// </summary>
    public string? FirstEntryKey()
    {
        var first = ReadAfter(0, 1);
        if (first.Count == 0)
        {
            return null;
        }

        var e = first[0];
        var text = $"{e.Id}|{(int)e.Kind}|{e.Location}|{e.Sequence}|{e.Tag}|{e.AtMs}|{e.ReceivedMs}|{e.Raw}";
        return Hash.Of(text);
    }

    /// <summary>The CTP01 connection id of a source, as the log's <c>sources</c> table names it.</summary>
    public string SourceName(long sourceId) =>
        Name(_sources, "SELECT id, connection_id FROM sources", sourceId) ?? sourceId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The key of a meet (<c>event.id</c>, or date and name), as the store's <c>meets</c> table names it; empty for entries waiting for a meet.</summary>
    public string MeetKey(long meetId) => Name(_meets, "SELECT id, key FROM meets", meetId) ?? "";

    /// <summary>A name by id from a small table, read again whole when an id is new (sources and meets are few).</summary>
    private string? Name(Dictionary<long, string> names, string sql, long id)
    {
        if (names.TryGetValue(id, out var name))
        {
            return name;
        }

        using (var statement = Prepare(sql))
        {
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                names[raw.sqlite3_column_int64(statement, 0)] = Text(statement, 1);
            }

            Check(rc, raw.SQLITE_DONE);
        }

        return names.TryGetValue(id, out name) ? name : null;
    }

    /// <summary>Drops the connection (after an error); the next <see cref="TryOpen"/> opens it again.</summary>
    public void Close()
    {
        _after?.Dispose();
        _lastId?.Dispose();
        _db?.Dispose();
        _after = null;
        _lastId = null;
        _db = null;
        _sources.Clear();
        _meets.Clear();
    }

    public void Dispose() => Close();

    private static string Text(sqlite3_stmt statement, int column) => raw.sqlite3_column_text(statement, column).utf8_to_string() ?? "";

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_db!, sql, out var statement));
        return statement;
    }

    private long Scalar(string sql)
    {
        using var statement = Prepare(sql);
        Check(raw.sqlite3_step(statement), raw.SQLITE_ROW);
        return raw.sqlite3_column_int64(statement, 0);
    }

    private void Check(int rc, int expected = raw.SQLITE_OK) => Check(rc, _db, expected);

    private static void Check(int rc, sqlite3? db, int expected = raw.SQLITE_OK)
    {
        if (rc != expected)
        {
            var detail = db is null ? null : raw.sqlite3_errmsg(db).utf8_to_string();
            throw new OutboxException($"SQLite error {rc} ({raw.sqlite3_errstr(rc).utf8_to_string()}){(string.IsNullOrEmpty(detail) ? "" : ": " + detail)}");
        }
    }
}
