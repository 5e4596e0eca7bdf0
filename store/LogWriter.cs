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

/// <summary>
/// A line from a timing source that cannot become a log entry. With a location and a sequence number it is kept
/// (shortened) in <c>unstored</c>, so the source's numbering stays accounted for; without, it is only counted.
/// </summary>
/// <param name="SourceId">The source that sent it.</param>
/// <param name="Location">The line's location when its location field could be read, else empty.</param>
/// <param name="Sequence">The line's sequence number when it could be read with its location, else 0.</param>
/// <param name="Reason">Why it was refused, as the status API names reasons (<c>badTime</c>, ...).</param>
/// <param name="ReceivedMs">The box's clock when it arrived.</param>
/// <param name="Raw">The line as received (kept shortened).</param>
public readonly record struct RejectedLine(long SourceId, string Location, long Sequence, string Reason, long ReceivedMs, string Raw);

/// <summary>A timing source as the store knows it, with the last sequence stored per location (in the open meet) for resuming.</summary>
public sealed record SourceInfo(long Id, string ConnectionId, bool IsNew, IReadOnlyDictionary<string, long> LastSequences);

/// <summary>Stored totals of one timing location in the open meet.</summary>
public sealed record LocationTotals(string Name, long Reads, long Guns, long LastSequence, long LastAtMs);

/// <summary>One meet as the store keeps it: its entries, sources' positions and tallies are its own.</summary>
/// <param name="Id">The meet's row; log entries carry it.</param>
/// <param name="Key">The meet folder's key (<c>event.id</c>, or date and name); empty for entries waiting for a meet.</param>
/// <param name="Name">The event name as last opened.</param>
/// <param name="Date">The event date (<c>yyyy-MM-dd</c>) the box placed undated times on, if any.</param>
/// <param name="TimeZone">The event's time zone id the box placed times without an offset in.</param>
/// <param name="IsNew">True when this open registered it.</param>
public sealed record MeetRecord(long Id, string Key, string Name, string? Date, string TimeZone, bool IsNew);

/// <summary>What became of the lines one source sent for one location (in the open meet), kept durably.</summary>
/// <param name="SourceId">The source's row.</param>
/// <param name="ConnectionId">The source's CTP01 connection id.</param>
/// <param name="Location">The location; empty for lines whose location could not be read.</param>
/// <param name="Outcomes">Lines per outcome: <see cref="LineOutcomes.Stored"/>, <see cref="LineOutcomes.Resent"/>,
/// <see cref="LineOutcomes.SameRead"/>, or <c>rejected:&lt;reason&gt;</c>.</param>
/// <param name="LastSequence">The highest sequence number the source delivered there.</param>
public sealed record SourceTally(long SourceId, string ConnectionId, string Location, long LastSequence, IReadOnlyDictionary<string, long> Outcomes);

/// <summary>The outcomes a line from a timing source can have.</summary>
public static class LineOutcomes
{
    /// <summary>A new read or gun event, now in the log.</summary>
    public const string Stored = "stored";
    /// <summary>A duplicate: the same source already sent this location and sequence number (a resend after a reconnect).</summary>
    public const string Resent = "resent";
    /// <summary>A duplicate: the same read (location, tag, time, reader, gator, lap) is stored under another sequence or source.</summary>
    public const string SameRead = "sameRead";
    /// <summary>Sequence numbers a source delivered before the box kept tallies (an upgraded file): accounted for, not itemised.</summary>
    public const string BeforeTallies = "beforeTallies";
    /// <summary>Prefix of a refused line's outcome; the reason follows.</summary>
    public const string RejectedPrefix = "rejected:";
}

/// <summary>
/// The only code that writes the log. Not thread-safe by design: one writer owns the connection and appends
/// batches, each in one transaction, so a batch is durable as a whole before anyone hears of it. Entries go to
/// the open meet (<see cref="OpenMeet"/>; until one is opened, the waiting meet whose entries the first meet opened
/// takes); sources' positions, location totals and line tallies are per meet.
/// </summary>
public sealed class LogWriter : IDisposable
{
    /// <summary>Longest excerpt of a line kept in <c>unstored</c>.</summary>
    public const int MaxUnstoredRawChars = 256;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter[] _p;
    private readonly SqliteCommand _seqExists;
    private readonly SqliteParameter[] _seqP;
    private readonly SqliteCommand _unstored;
    private readonly SqliteParameter[] _unstoredP;
    private readonly Dictionary<(long Source, string Location), long> _batchPositions = [];
    private readonly Dictionary<(long Source, string Location), long> _positions = [];
    private readonly Dictionary<string, LocationTotals> _locations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LocationTotals> _batchLocations = new(StringComparer.Ordinal);
    private readonly Dictionary<(long Source, string Location, string Outcome), long> _tallies = [];
    private readonly Dictionary<(long Source, string Location, string Outcome), long> _batchTallies = [];
    private readonly Dictionary<long, string> _sourceNames = [];
    // The open meet's unstored sequence numbers and their outcome: a read arriving under one of them is checked here, not in SQL.
    private readonly Dictionary<(long Source, string Location, long Sequence), string> _unstoredKeys = [];
    private readonly Dictionary<(long Source, string Location, long Sequence), string> _batchUnstored = [];
    private readonly HashSet<(long Source, string Location, long Sequence)> _batchStoredAfterAll = [];
    private long _nextId;
    private MeetRecord? _meet;

    public LogWriter(SqliteConnection connection)
    {
        _connection = connection;
        _insert = connection.CreateCommand();
        _insert.CommandText = """
            INSERT OR IGNORE INTO log (id, kind, source_id, location, seq, tag, at_ms, lap, reader, gator, received_ms, raw, meet_id)
            VALUES ($id, $kind, $source, $location, $seq, $tag, $at, $lap, $reader, $gator, $received, $raw, $meet)
            """;
        string[] names = ["$id", "$kind", "$source", "$location", "$seq", "$tag", "$at", "$lap", "$reader", "$gator", "$received", "$raw", "$meet"];
        _p = names.Select(n => _insert.Parameters.Add(n, SqliteType.Integer)).ToArray();
        foreach (var text in new[] { 3, 5, 8, 11 })
        {
            _p[text].SqliteType = SqliteType.Text;
        }

        _seqExists = connection.CreateCommand();
        _seqExists.CommandText = "SELECT EXISTS (SELECT 1 FROM log WHERE meet_id = $m AND source_id = $s AND location = $l AND seq = $q)";
        _seqP = [_seqExists.Parameters.Add("$m", SqliteType.Integer), _seqExists.Parameters.Add("$s", SqliteType.Integer),
            _seqExists.Parameters.Add("$l", SqliteType.Text), _seqExists.Parameters.Add("$q", SqliteType.Integer)];
        _unstored = connection.CreateCommand();
        _unstored.CommandText = """
            INSERT OR IGNORE INTO unstored (meet_id, source_id, location, seq, outcome, received_ms, raw)
            VALUES ($m, $s, $l, $q, $o, $r, $raw)
            """;
        _unstoredP = [_unstored.Parameters.Add("$m", SqliteType.Integer), _unstored.Parameters.Add("$s", SqliteType.Integer),
            _unstored.Parameters.Add("$l", SqliteType.Text), _unstored.Parameters.Add("$q", SqliteType.Integer),
            _unstored.Parameters.Add("$o", SqliteType.Text), _unstored.Parameters.Add("$r", SqliteType.Integer),
            _unstored.Parameters.Add("$raw", SqliteType.Text)];

        _nextId = Scalar("SELECT COALESCE(MAX(id), 0) FROM log") + 1;
        using var sources = connection.CreateCommand();
        sources.CommandText = "SELECT id, connection_id FROM sources";
        using var reader = sources.ExecuteReader();
        while (reader.Read())
        {
            _sourceNames[reader.GetInt64(0)] = reader.GetString(1);
        }
    }

    /// <summary>Id the next appended entry will get; everything below it is durable.</summary>
    public long NextId => _nextId;

    /// <summary>The meet entries go to; null until a meet is opened.</summary>
    public MeetRecord? Meet => _meet;

    /// <summary>Totals per location of the open meet as of the last commit.</summary>
    public IReadOnlyCollection<LocationTotals> Locations => _locations.Values;

    /// <summary>What became of every line, per source and location, in the open meet, as of the last commit.</summary>
    public IReadOnlyList<SourceTally> Tallies()
    {
        var outcomes = new Dictionary<(long Source, string Location), Dictionary<string, long>>();
        foreach (var ((source, location, outcome), lines) in _tallies)
        {
            if (!outcomes.TryGetValue((source, location), out var byOutcome))
            {
                outcomes[(source, location)] = byOutcome = new Dictionary<string, long>(StringComparer.Ordinal);
            }

            byOutcome[outcome] = lines;
        }

        foreach (var key in _positions.Keys)
        {
            outcomes.TryAdd(key, new Dictionary<string, long>(StringComparer.Ordinal));
        }

        return [.. outcomes
            .OrderBy(k => k.Key.Location, StringComparer.Ordinal).ThenBy(k => k.Key.Source)
            .Select(k => new SourceTally(k.Key.Source, _sourceNames.GetValueOrDefault(k.Key.Source, ""), k.Key.Location,
                _positions.GetValueOrDefault(k.Key), k.Value))];
    }

    /// <summary>The meet opened most recently, if any: where a box whose meet folder cannot be read carries on.</summary>
    public MeetRecord? LastMeet()
    {
        using var find = _connection.CreateCommand();
        find.CommandText = "SELECT id, key, name, date, time_zone FROM meets ORDER BY open_seq DESC, id DESC LIMIT 1";
        using var reader = find.ExecuteReader();
        return reader.Read() ? ReadMeet(reader, isNew: false) : null;
    }

    /// <summary>
    /// Makes the meet with <paramref name="key"/> the open one, registering it when it is new. Entries that were
    /// waiting for a meet (key empty: stored before meets were kept apart, or while the meet folder could not be
    /// read on a box that had no meet yet) become this meet's.
    /// </summary>
    public MeetRecord OpenMeet(string key, string name, string? date, string timeZone, long nowMs)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var id = FindMeet("key = $key", key);
        var isNew = false;
        if (id is null && (_meet is null || _meet.Key.Length == 0) && FindMeet("key = ''", "") is { } waiting)
        {
            if (BelongsTo(waiting, date))
            {
                id = waiting;
            }
            else
            {
                // Another day's entries (an upgraded file from an earlier event): they stay a meet of their own.
                using var archive = _connection.CreateCommand();
                // '.' is in no meet.json key, so the name cannot collide with a meet's.
                archive.CommandText = "UPDATE meets SET key = 'unassigned.' || id WHERE id = $id";
                archive.Parameters.AddWithValue("$id", waiting);
                archive.ExecuteNonQuery();
            }
        }

        if (id is null)
        {
            using var insert = _connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO meets (key, name, date, time_zone, first_seen_ms, last_opened_ms, open_seq)
                VALUES ($key, $name, $date, $zone, $now, $now, (SELECT COALESCE(MAX(open_seq), 0) + 1 FROM meets)) RETURNING id
                """;
            AddMeetParameters(insert, key, name, date, timeZone, nowMs);
            id = (long)insert.ExecuteScalar()!;
            isNew = true;
        }
        else if (!IsLastOpenedAsIs(id.Value, key, name, date, timeZone))
        {
            using var update = _connection.CreateCommand();
            update.CommandText = """
                UPDATE meets SET key = $key, name = $name, date = $date, time_zone = $zone, last_opened_ms = $now,
                    open_seq = (SELECT COALESCE(MAX(open_seq), 0) + 1 FROM meets) WHERE id = $id
                """;
            AddMeetParameters(update, key, name, date, timeZone, nowMs);
            update.Parameters.AddWithValue("$id", id.Value);
            update.ExecuteNonQuery();
        }

        Use(new MeetRecord(id.Value, key, name, date, timeZone, isNew));
        return _meet!;
    }

    /// <summary>
    /// Whether entries waiting for a meet belong to a meet on <paramref name="date"/>: none yet, no date to tell by,
    /// or a read within a day of it (times are UTC, the date is the event's local day).
    /// </summary>
    private bool BelongsTo(long waitingId, string? date)
    {
        if (date is null || !DateOnly.TryParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
        {
            return true;
        }

        var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        using var range = _connection.CreateCommand();
        range.CommandText = """
            SELECT COUNT(*), COALESCE(SUM(at_ms BETWEEN $from AND $to), 0) FROM log WHERE meet_id = $id AND kind IN (1, 2)
            """;
        range.Parameters.AddWithValue("$id", waitingId);
        range.Parameters.AddWithValue("$from", midnight - 86_400_000);
        range.Parameters.AddWithValue("$to", midnight + 2 * 86_400_000);
        using var reader = range.ExecuteReader();
        reader.Read();
        return reader.GetInt64(0) == 0 || reader.GetInt64(1) > 0;
    }

    /// <summary>Carries on with a stored meet (from <see cref="LastMeet"/>) without changing it.</summary>
    public void Resume(MeetRecord meet) => Use(meet with { IsNew = false });

    /// <summary>Opens the meet that holds entries until a meet folder can be read (key empty), creating it if needed.</summary>
    public MeetRecord OpenWaitingMeet(long nowMs)
    {
        if (FindMeet("key = ''", "") is not { } id)
        {
            using var insert = _connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO meets (key, name, date, time_zone, first_seen_ms, last_opened_ms, open_seq)
                VALUES ('', '', NULL, 'UTC', $now, $now, (SELECT COALESCE(MAX(open_seq), 0) + 1 FROM meets)) RETURNING id
                """;
            insert.Parameters.AddWithValue("$now", nowMs);
            id = (long)insert.ExecuteScalar()!;
        }

        Use(new MeetRecord(id, "", "", null, "UTC", IsNew: false));
        return _meet!;
    }

    /// <summary>Finds or registers a timing source by its CTP01 connection id and returns where each location stands in the open meet.</summary>
    public SourceInfo OpenSource(string connectionId, string program, long nowMs)
    {
        RequireMeet();
        using var find = _connection.CreateCommand();
        find.CommandText = "SELECT id FROM sources WHERE connection_id = $cid";
        find.Parameters.AddWithValue("$cid", connectionId);
        var existing = find.ExecuteScalar();
        long sourceId;
        if (existing is null)
        {
            using var insert = _connection.CreateCommand();
            insert.CommandText = "INSERT INTO sources (connection_id, program, first_seen_ms) VALUES ($cid, $program, $now) RETURNING id";
            insert.Parameters.AddWithValue("$cid", connectionId);
            insert.Parameters.AddWithValue("$program", program);
            insert.Parameters.AddWithValue("$now", nowMs);
            sourceId = (long)insert.ExecuteScalar()!;
            _sourceNames[sourceId] = connectionId;
        }
        else
        {
            sourceId = (long)existing;
        }

        var last = _positions.Where(p => p.Key.Source == sourceId).ToDictionary(p => p.Key.Location, p => p.Value, StringComparer.Ordinal);
        return new SourceInfo(sourceId, connectionId, IsNew: existing is null || last.Count == 0, last);
    }

    /// <summary>
    /// Appends a batch in one durable transaction, to the open meet. <paramref name="stored"/> receives, per entry,
    /// the id it was stored under, or 0 when it duplicated a stored entry and was ignored. Every entry and every
    /// rejected line is tallied, so a source's lines are accounted for.
    /// </summary>
    public void Append(ReadOnlySpan<NewLogEntry> batch, Span<long> stored) => Append(batch, [], stored);

    /// <inheritdoc cref="Append(ReadOnlySpan{NewLogEntry}, Span{long})"/>
    public void Append(ReadOnlySpan<NewLogEntry> batch, ReadOnlySpan<RejectedLine> rejected, Span<long> stored)
    {
        RequireMeet();
        _batchPositions.Clear();
        _batchLocations.Clear();
        _batchTallies.Clear();
        _batchUnstored.Clear();
        _batchStoredAfterAll.Clear();
        var firstId = _nextId;
        try
        {
            AppendInTransaction(batch, rejected, stored);
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
            _seqExists.Transaction = null;
            _unstored.Transaction = null;
        }

        foreach (var (name, totals) in _batchLocations)
        {
            _locations[name] = totals;
        }

        foreach (var (key, seq) in _batchPositions)
        {
            _positions[key] = Math.Max(_positions.GetValueOrDefault(key), seq);
        }

        foreach (var (key, lines) in _batchTallies)
        {
            _tallies[key] = _tallies.GetValueOrDefault(key) + lines;
        }

        foreach (var key in _batchStoredAfterAll)
        {
            _unstoredKeys.Remove(key);
        }

        foreach (var (key, outcome) in _batchUnstored)
        {
            _unstoredKeys[key] = outcome;
        }
    }

    private void AppendInTransaction(ReadOnlySpan<NewLogEntry> batch, ReadOnlySpan<RejectedLine> rejected, Span<long> stored)
    {
        var meetId = _meet!.Id;
        using var transaction = _connection.BeginTransaction(deferred: false);
        _insert.Transaction = transaction;
        _seqExists.Transaction = transaction;
        _unstored.Transaction = transaction;
        _p[12].Value = meetId;
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
            var fromSource = !e.Kind.IsCorrection();
            if (fromSource)
            {
                // The resume position advances even for duplicates: the source has delivered that far.
                Advance(e.SourceId, e.Location, e.Sequence);
            }

            if (_insert.ExecuteNonQuery() == 1)
            {
                stored[i] = _nextId++;
                if (fromSource)
                {
                    Count(e);
                    Tally(e.SourceId, e.Location, LineOutcomes.Stored);
                    if ((_unstoredKeys.Count > 0 || _batchUnstored.Count > 0) && UnstoredOutcome((e.SourceId, e.Location, e.Sequence)) is { } earlier)
                    {
                        _batchUnstored.Remove((e.SourceId, e.Location, e.Sequence));
                        _batchStoredAfterAll.Add((e.SourceId, e.Location, e.Sequence));
                        // The number was refused (or a same read) before and now carries a read: count it once, as
                        // stored, and the earlier line as a resend of it.
                        ForgetUnstored(meetId, e.SourceId, e.Location, e.Sequence);
                        Tally(e.SourceId, e.Location, earlier, -1);
                        Tally(e.SourceId, e.Location, LineOutcomes.Resent);
                    }
                }

                continue;
            }

            stored[i] = 0;
            if (fromSource)
            {
                Tally(e.SourceId, e.Location, DuplicateOutcome(meetId, e));
            }
        }

        foreach (ref readonly var r in rejected)
        {
            if (r.Sequence > 0 && r.Location.Length > 0)
            {
                Advance(r.SourceId, r.Location, r.Sequence);
                var outcome = LineOutcomes.RejectedPrefix + r.Reason;
                var counted = SequenceStored(meetId, r.SourceId, r.Location, r.Sequence)
                    || !KeepUnstored(meetId, r.SourceId, r.Location, r.Sequence, outcome, r.ReceivedMs, r.Raw);
                Tally(r.SourceId, r.Location, counted ? LineOutcomes.Resent : outcome);
            }
            else
            {
                Tally(r.SourceId, "", LineOutcomes.RejectedPrefix + r.Reason);
            }
        }

        SavePositions(transaction, meetId);
        SaveLocations(transaction, meetId);
        SaveTallies(transaction, meetId);
        transaction.Commit();
    }

    /// <summary>Which rule made an entry a duplicate: its source's sequence number, or the read itself.</summary>
    private string DuplicateOutcome(long meetId, in NewLogEntry e)
    {
        if (SequenceStored(meetId, e.SourceId, e.Location, e.Sequence))
        {
            return LineOutcomes.Resent;
        }

        // A new sequence number carrying a read that is stored already; a repeat of that same number is a resend.
        return KeepUnstored(meetId, e.SourceId, e.Location, e.Sequence, LineOutcomes.SameRead, e.ReceivedMs, e.Raw)
            ? LineOutcomes.SameRead
            : LineOutcomes.Resent;
    }

    /// <summary>The outcome an unstored line had under this number (committed, or earlier in this batch), if any.</summary>
    private string? UnstoredOutcome((long, string, long) key) =>
        _batchUnstored.TryGetValue(key, out var outcome) ? outcome
        : !_batchStoredAfterAll.Contains(key) && _unstoredKeys.TryGetValue(key, out outcome) ? outcome
        : null;

    private bool SequenceStored(long meetId, long sourceId, string location, long sequence)
    {
        _seqP[0].Value = meetId;
        _seqP[1].Value = sourceId;
        _seqP[2].Value = location;
        _seqP[3].Value = sequence;
        return Convert.ToInt64(_seqExists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    private void ForgetUnstored(long meetId, long sourceId, string location, long sequence)
    {
        using var delete = _connection.CreateCommand();
        delete.Transaction = _insert.Transaction;
        delete.CommandText = "DELETE FROM unstored WHERE meet_id = $m AND source_id = $s AND location = $l AND seq = $q";
        delete.Parameters.AddWithValue("$m", meetId);
        delete.Parameters.AddWithValue("$s", sourceId);
        delete.Parameters.AddWithValue("$l", location);
        delete.Parameters.AddWithValue("$q", sequence);
        delete.ExecuteNonQuery();
    }

    /// <summary>Records a line that did not become an entry under its sequence number; false when that number is recorded already.</summary>
    private bool KeepUnstored(long meetId, long sourceId, string location, long sequence, string outcome, long receivedMs, string raw)
    {
        _unstoredP[0].Value = meetId;
        _unstoredP[1].Value = sourceId;
        _unstoredP[2].Value = location;
        _unstoredP[3].Value = sequence;
        _unstoredP[4].Value = outcome;
        _unstoredP[5].Value = receivedMs;
        _unstoredP[6].Value = raw.Length > MaxUnstoredRawChars ? raw[..MaxUnstoredRawChars] : raw;
        if (_unstored.ExecuteNonQuery() != 1)
        {
            return false;
        }

        _batchUnstored[(sourceId, location, sequence)] = outcome;
        return true;
    }

    private void Advance(long sourceId, string location, long sequence)
    {
        var key = (sourceId, location);
        if (!_batchPositions.TryGetValue(key, out var seen) || sequence > seen)
        {
            _batchPositions[key] = sequence;
        }
    }

    private void Tally(long sourceId, string location, string outcome, long lines = 1)
    {
        var key = (sourceId, location, outcome);
        _batchTallies[key] = _batchTallies.GetValueOrDefault(key) + lines;
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

    private void SavePositions(SqliteTransaction transaction, long meetId) =>
        Upsert(transaction, meetId, _batchPositions, """
            INSERT INTO positions (meet_id, source_id, location, last_seq) VALUES ($m, $1, $2, $3)
            ON CONFLICT (meet_id, source_id, location) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq)
            """, static (row, p) => (p[0].Value, p[1].Value, p[2].Value) = (row.Key.Source, row.Key.Location, row.Value));

    private void SaveLocations(SqliteTransaction transaction, long meetId) =>
        Upsert(transaction, meetId, _batchLocations.Values, """
            INSERT INTO locations (meet_id, name, reads, guns, last_seq, last_at_ms) VALUES ($m, $1, $2, $3, $4, $5)
            ON CONFLICT (meet_id, name) DO UPDATE SET reads = excluded.reads, guns = excluded.guns,
                last_seq = excluded.last_seq, last_at_ms = excluded.last_at_ms
            """, static (t, p) => (p[0].Value, p[1].Value, p[2].Value, p[3].Value, p[4].Value) = (t.Name, t.Reads, t.Guns, t.LastSequence, t.LastAtMs));

    private void SaveTallies(SqliteTransaction transaction, long meetId) =>
        Upsert(transaction, meetId, _batchTallies, """
            INSERT INTO tallies (meet_id, source_id, location, outcome, lines) VALUES ($m, $1, $2, $3, $4)
            ON CONFLICT (meet_id, source_id, location, outcome) DO UPDATE SET lines = lines + excluded.lines
            """, static (row, p) => (p[0].Value, p[1].Value, p[2].Value, p[3].Value) = (row.Key.Source, row.Key.Location, row.Key.Outcome, row.Value));

    /// <summary>Runs one upsert per row in the batch's transaction; <c>$m</c> is the meet, <c>$1</c>.. the row's values as <paramref name="bind"/> sets them.</summary>
    private void Upsert<T>(SqliteTransaction transaction, long meetId, IReadOnlyCollection<T> rows, string sql, Action<T, SqliteParameter[]> bind)
    {
        if (rows.Count == 0)
        {
            return;
        }

        using var upsert = _connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = sql;
        upsert.Parameters.AddWithValue("$m", meetId);
        var parameters = Enumerable.Range(1, 9).TakeWhile(i => sql.Contains($"${i}", StringComparison.Ordinal))
            .Select(i => upsert.Parameters.Add(new SqliteParameter { ParameterName = $"${i}" })).ToArray(); // typed by each value
        foreach (var row in rows)
        {
            bind(row, parameters);
            upsert.ExecuteNonQuery();
        }
    }

    /// <summary>Makes <paramref name="meet"/> the open one; its totals, positions, tallies and unstored numbers are read first, so a failed read changes nothing.</summary>
    private void Use(MeetRecord meet)
    {
        var locations = new Dictionary<string, LocationTotals>(StringComparer.Ordinal);
        var positions = new Dictionary<(long, string), long>();
        var tallies = new Dictionary<(long, string, string), long>();
        var unstored = new Dictionary<(long, string, long), string>();
        ReadRows("SELECT name, reads, guns, last_seq, last_at_ms FROM locations WHERE meet_id = $m", meet.Id, r =>
            locations[r.GetString(0)] = new LocationTotals(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)));
        ReadRows("SELECT source_id, location, last_seq FROM positions WHERE meet_id = $m", meet.Id, r =>
            positions[(r.GetInt64(0), r.GetString(1))] = r.GetInt64(2));
        ReadRows("SELECT source_id, location, outcome, lines FROM tallies WHERE meet_id = $m", meet.Id, r =>
            tallies[(r.GetInt64(0), r.GetString(1), r.GetString(2))] = r.GetInt64(3));
        ReadRows("SELECT source_id, location, seq, outcome FROM unstored WHERE meet_id = $m", meet.Id, r =>
            unstored[(r.GetInt64(0), r.GetString(1), r.GetInt64(2))] = r.GetString(3));

        _meet = meet;
        Replace(_locations, locations);
        Replace(_positions, positions);
        Replace(_tallies, tallies);
        Replace(_unstoredKeys, unstored);
    }

    private void ReadRows(string sql, long meetId, Action<SqliteDataReader> row)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$m", meetId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            row(reader);
        }
    }

    private static void Replace<TKey, TValue>(Dictionary<TKey, TValue> target, Dictionary<TKey, TValue> source)
        where TKey : notnull
    {
        target.Clear();
        foreach (var (key, value) in source)
        {
            target[key] = value;
        }
    }

    /// <summary>The open meet; a writer used before any meet was opened keeps its entries for the first meet opened.</summary>
    private MeetRecord RequireMeet() => _meet ?? OpenWaitingMeet(0);

    /// <summary>
    /// The meet is the one opened last and its row already says what the folder says: a restart of the same meet
    /// writes nothing (a commit, and its fsync, on the way to accepting reads), and last_opened_ms keeps the switch.
    /// </summary>
    private bool IsLastOpenedAsIs(long id, string key, string name, string? date, string timeZone)
    {
        using var check = _connection.CreateCommand();
        check.CommandText = """
            SELECT key = $key AND name = $name AND date IS $date AND time_zone = $zone
                AND open_seq = (SELECT MAX(open_seq) FROM meets) AND open_seq > 0
            FROM meets WHERE id = $id
            """;
        AddMeetParameters(check, key, name, date, timeZone, 0);
        check.Parameters.AddWithValue("$id", id);
        return check.ExecuteScalar() is long same && same == 1;
    }

    private long? FindMeet(string where, string key)
    {
        using var find = _connection.CreateCommand();
        find.CommandText = $"SELECT id FROM meets WHERE {where}";
        find.Parameters.AddWithValue("$key", key);
        return find.ExecuteScalar() is long id ? id : null;
    }

    private static void AddMeetParameters(SqliteCommand command, string key, string name, string? date, string timeZone, long nowMs)
    {
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$date", (object?)date ?? DBNull.Value);
        command.Parameters.AddWithValue("$zone", timeZone);
        command.Parameters.AddWithValue("$now", nowMs);
    }

    private static MeetRecord ReadMeet(SqliteDataReader reader, bool isNew) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), isNew);

    private long Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        _insert.Dispose();
        _seqExists.Dispose();
        _unstored.Dispose();
    }
}
