using Microsoft.Data.Sqlite;

namespace Edge.Store;

/// <summary>A read or gun event on its way into the log, before it has an id.</summary>
public readonly record struct NewLogEntry(
    LogKind Kind,
    long SourceId,
    string Location,
    long Sequence,
    string Tag,
    long AtMs,
    int Lap,
    string Reader,
    int Gator,
    long ReceivedMs,
    string Raw);

/// <summary>A timing source as the store knows it, with the last sequence stored per location for resuming.</summary>
public sealed record SourceInfo(long Id, string ConnectionId, bool IsNew, IReadOnlyDictionary<string, long> LastSequences);

/// <summary>Stored totals of one timing location.</summary>
public sealed record LocationTotals(string Name, long Reads, long Guns, long LastSequence, long LastAtMs);

/// <summary>
/// The only code that writes the log. Not thread-safe by design: one writer owns the connection and appends
/// batches, each in one transaction, so a batch is durable as a whole before anyone hears of it.
/// </summary>
public sealed class LogWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter[] _p;
    private readonly Dictionary<(long Source, string Location), long> _batchPositions = [];
    private readonly Dictionary<string, LocationTotals> _locations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LocationTotals> _batchLocations = new(StringComparer.Ordinal);
    private long _nextId;

    public LogWriter(SqliteConnection connection)
    {
        _connection = connection;
        _insert = connection.CreateCommand();
        _insert.CommandText = """
            INSERT OR IGNORE INTO log (id, kind, source_id, location, seq, tag, at_ms, lap, reader, gator, received_ms, raw)
            VALUES ($id, $kind, $source, $location, $seq, $tag, $at, $lap, $reader, $gator, $received, $raw)
            """;
        string[] names = ["$id", "$kind", "$source", "$location", "$seq", "$tag", "$at", "$lap", "$reader", "$gator", "$received", "$raw"];
        _p = names.Select(n => _insert.Parameters.Add(n, SqliteType.Integer)).ToArray();
        foreach (var text in new[] { 3, 5, 8, 11 })
        {
            _p[text].SqliteType = SqliteType.Text;
        }

        _nextId = Scalar("SELECT COALESCE(MAX(id), 0) FROM log") + 1;
        using var totals = connection.CreateCommand();
        totals.CommandText = "SELECT name, reads, guns, last_seq, last_at_ms FROM locations";
        using var reader = totals.ExecuteReader();
        while (reader.Read())
        {
            var row = new LocationTotals(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
            _locations[row.Name] = row;
        }
    }

    /// <summary>Id the next appended entry will get; everything below it is durable.</summary>
    public long NextId => _nextId;

    /// <summary>Totals per location as of the last commit.</summary>
    public IReadOnlyCollection<LocationTotals> Locations => _locations.Values;

    /// <summary>Finds or registers a timing source by its CTP01 connection id and returns where each location stands.</summary>
    public SourceInfo OpenSource(string connectionId, string program, long nowMs)
    {
        using var find = _connection.CreateCommand();
        find.CommandText = "SELECT id FROM sources WHERE connection_id = $cid";
        find.Parameters.AddWithValue("$cid", connectionId);
        var existing = find.ExecuteScalar();
        if (existing is null)
        {
            using var insert = _connection.CreateCommand();
            insert.CommandText = "INSERT INTO sources (connection_id, program, first_seen_ms) VALUES ($cid, $program, $now) RETURNING id";
            insert.Parameters.AddWithValue("$cid", connectionId);
            insert.Parameters.AddWithValue("$program", program);
            insert.Parameters.AddWithValue("$now", nowMs);
            var id = (long)insert.ExecuteScalar()!;
            return new SourceInfo(id, connectionId, IsNew: true, new Dictionary<string, long>());
        }

        var sourceId = (long)existing;
        using var positions = _connection.CreateCommand();
        positions.CommandText = "SELECT location, last_seq FROM positions WHERE source_id = $id";
        positions.Parameters.AddWithValue("$id", sourceId);
        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        using var reader = positions.ExecuteReader();
        while (reader.Read())
        {
            last[reader.GetString(0)] = reader.GetInt64(1);
        }

        return new SourceInfo(sourceId, connectionId, IsNew: false, last);
    }

    /// <summary>
    /// Appends a batch in one durable transaction. <paramref name="stored"/> receives, per entry, the id it was
    /// stored under, or 0 when it duplicated a stored entry and was ignored.
    /// </summary>
    public void Append(ReadOnlySpan<NewLogEntry> batch, Span<long> stored)
    {
        _batchPositions.Clear();
        _batchLocations.Clear();
        var firstId = _nextId;
        try
        {
            AppendInTransaction(batch, stored);
        }
        catch
        {
            // Nothing of the batch is stored: give its ids back so the log stays dense.
            _nextId = firstId;
            throw;
        }
        finally
        {
            _insert.Transaction = null;
        }

        foreach (var (name, totals) in _batchLocations)
        {
            _locations[name] = totals;
        }
    }

    private void AppendInTransaction(ReadOnlySpan<NewLogEntry> batch, Span<long> stored)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        _insert.Transaction = transaction;
        for (var i = 0; i < batch.Length; i++)
        {
            ref readonly var e = ref batch[i];
            _p[0].Value = _nextId;
            _p[1].Value = (int)e.Kind;
            _p[2].Value = e.SourceId;
            _p[3].Value = e.Location;
            _p[4].Value = e.Sequence;
            _p[5].Value = e.Tag;
            _p[6].Value = e.AtMs;
            _p[7].Value = e.Lap;
            _p[8].Value = e.Reader;
            _p[9].Value = e.Gator;
            _p[10].Value = e.ReceivedMs;
            _p[11].Value = e.Raw;
            var key = (e.SourceId, e.Location);
            if (!_batchPositions.TryGetValue(key, out var seen) || e.Sequence > seen)
            {
                // The resume position advances even for duplicates: the source has delivered that far.
                _batchPositions[key] = e.Sequence;
            }

            if (_insert.ExecuteNonQuery() == 1)
            {
                stored[i] = _nextId++;
                if (!e.Kind.IsCorrection())
                {
                    Count(e);
                }
            }
            else
            {
                stored[i] = 0;
            }
        }

        SavePositions(transaction);
        SaveLocations(transaction);
        transaction.Commit();
    }

    private void Count(in NewLogEntry e)
    {
        if (!_batchLocations.TryGetValue(e.Location, out var t) && !_locations.TryGetValue(e.Location, out t))
        {
            t = new LocationTotals(e.Location, 0, 0, 0, 0);
        }

        _batchLocations[e.Location] = t with
        {
            Reads = t.Reads + (e.Kind == LogKind.Read ? 1 : 0),
            Guns = t.Guns + (e.Kind == LogKind.Gun ? 1 : 0),
            LastSequence = e.Sequence,
            LastAtMs = Math.Max(t.LastAtMs, e.AtMs),
        };
    }

    private void SavePositions(SqliteTransaction transaction)
    {
        if (_batchPositions.Count == 0)
        {
            return;
        }

        using var upsert = _connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT INTO positions (source_id, location, last_seq) VALUES ($s, $l, $q)
            ON CONFLICT (source_id, location) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq)
            """;
        var s = upsert.Parameters.Add("$s", SqliteType.Integer);
        var l = upsert.Parameters.Add("$l", SqliteType.Text);
        var q = upsert.Parameters.Add("$q", SqliteType.Integer);
        foreach (var ((source, location), seq) in _batchPositions)
        {
            s.Value = source;
            l.Value = location;
            q.Value = seq;
            upsert.ExecuteNonQuery();
        }
    }

    private void SaveLocations(SqliteTransaction transaction)
    {
        if (_batchLocations.Count == 0)
        {
            return;
        }

        using var upsert = _connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT INTO locations (name, reads, guns, last_seq, last_at_ms) VALUES ($n, $r, $g, $q, $a)
            ON CONFLICT (name) DO UPDATE SET reads = excluded.reads, guns = excluded.guns,
                last_seq = excluded.last_seq, last_at_ms = excluded.last_at_ms
            """;
        var n = upsert.Parameters.Add("$n", SqliteType.Text);
        var r = upsert.Parameters.Add("$r", SqliteType.Integer);
        var g = upsert.Parameters.Add("$g", SqliteType.Integer);
        var q = upsert.Parameters.Add("$q", SqliteType.Integer);
        var a = upsert.Parameters.Add("$a", SqliteType.Integer);
        foreach (var t in _batchLocations.Values)
        {
            n.Value = t.Name;
            r.Value = t.Reads;
            g.Value = t.Guns;
            q.Value = t.LastSequence;
            a.Value = t.LastAtMs;
            upsert.ExecuteNonQuery();
        }
    }

    private long Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => _insert.Dispose();
}
