using Microsoft.Data.Sqlite;

namespace Edge.Store;

/// <summary>
/// Opens <c>edge.db</c> and keeps its schema. The appliance is the only writer; other processes (the sync
/// agent) open it read-only and read the log through WAL while the appliance writes.
/// </summary>
public static class EdgeDatabase
{
    public const string FileName = "edge.db";

    /// <summary>Schema version stored in <c>PRAGMA user_version</c>; each step below upgrades by one.</summary>
    public const int SchemaVersion = 4;

    private static readonly string[] Migrations =
    [
        // 1: sources, the log (reads and gun events, also the outbox), resume positions, per-location totals.
        """
        CREATE TABLE sources (
            id            INTEGER PRIMARY KEY,
            connection_id TEXT NOT NULL UNIQUE,
            program       TEXT NOT NULL,
            first_seen_ms INTEGER NOT NULL
        );
        CREATE TABLE log (
            id          INTEGER PRIMARY KEY,
            kind        INTEGER NOT NULL,
            source_id   INTEGER NOT NULL REFERENCES sources(id),
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
        -- CTP01: a source resends from a sequence number after a reconnect; whether the given number itself
        -- is repeated is unspecified, so the same (source, location, seq) is stored once.
        CREATE UNIQUE INDEX log_source_seq ON log(source_id, location, seq);
        -- A restarted middleware gets a new connection id and may renumber: the read itself is the key.
        -- Time first, so inserts append at the end of the index.
        CREATE UNIQUE INDEX log_identity ON log(at_ms, location, tag, reader, gator);
        CREATE TABLE positions (
            source_id INTEGER NOT NULL,
            location  TEXT NOT NULL,
            last_seq  INTEGER NOT NULL,
            PRIMARY KEY (source_id, location)
        ) WITHOUT ROWID;
        CREATE TABLE locations (
            name       TEXT PRIMARY KEY,
            reads      INTEGER NOT NULL,
            guns       INTEGER NOT NULL,
            last_seq   INTEGER NOT NULL,
            last_at_ms INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        // 2: corrections share the log; only reads and gun events are keyed by their identity.
        """
        DROP INDEX log_identity;
        CREATE UNIQUE INDEX log_identity ON log(at_ms, location, tag, reader, gator) WHERE kind IN (1, 2);
        """,
        // 3: meets kept apart; the lap count is part of a read's identity; every line a source sent is accounted for.
        """
        CREATE TABLE meets (
            id             INTEGER PRIMARY KEY,
            key            TEXT NOT NULL UNIQUE,
            name           TEXT NOT NULL,
            date           TEXT,
            time_zone      TEXT NOT NULL,
            first_seen_ms  INTEGER NOT NULL,
            last_opened_ms INTEGER NOT NULL,
            -- Which meet was opened last, counted: the box's clock (no battery on a Pi) cannot say.
            open_seq       INTEGER NOT NULL DEFAULT 0
        );
        -- What was stored before meets were kept apart belongs to the first meet the upgraded box opens (key '').
        INSERT INTO meets (id, key, name, date, time_zone, first_seen_ms, last_opened_ms)
            SELECT 1, '', '', NULL, 'UTC', 0, 0 WHERE EXISTS (SELECT 1 FROM log);
        ALTER TABLE log ADD COLUMN meet_id INTEGER NOT NULL DEFAULT 1;
        -- No (meet_id, id) index: a fourth b-tree on every insert cost ingest about a tenth (docs/BENCHMARKS.md);
        -- replay and export walk the log by id and skip other meets' entries.
        DROP INDEX log_source_seq;
        CREATE UNIQUE INDEX log_source_seq ON log(meet_id, source_id, location, seq);
        -- Two reads of one tag at the same hundredth with different lap counts are two reads (PROTOCOLS.md §1).
        DROP INDEX log_identity;
        CREATE UNIQUE INDEX log_identity ON log(at_ms, location, tag, reader, gator, lap, meet_id) WHERE kind IN (1, 2);
        CREATE TABLE positions_v3 (
            meet_id   INTEGER NOT NULL,
            source_id INTEGER NOT NULL,
            location  TEXT NOT NULL,
            last_seq  INTEGER NOT NULL,
            PRIMARY KEY (meet_id, source_id, location)
        ) WITHOUT ROWID;
        INSERT INTO positions_v3 SELECT 1, source_id, location, last_seq FROM positions;
        DROP TABLE positions;
        ALTER TABLE positions_v3 RENAME TO positions;
        CREATE TABLE locations_v3 (
            meet_id    INTEGER NOT NULL,
            name       TEXT NOT NULL,
            reads      INTEGER NOT NULL,
            guns       INTEGER NOT NULL,
            last_seq   INTEGER NOT NULL,
            last_at_ms INTEGER NOT NULL,
            PRIMARY KEY (meet_id, name)
        ) WITHOUT ROWID;
        INSERT INTO locations_v3 SELECT 1, name, reads, guns, last_seq, last_at_ms FROM locations;
        DROP TABLE locations;
        ALTER TABLE locations_v3 RENAME TO locations;
        -- Lines per meet, source, location and outcome: stored, resent, sameRead, rejected:<reason>.
        CREATE TABLE tallies (
            meet_id   INTEGER NOT NULL,
            source_id INTEGER NOT NULL,
            location  TEXT NOT NULL,
            outcome   TEXT NOT NULL,
            lines     INTEGER NOT NULL,
            PRIMARY KEY (meet_id, source_id, location, outcome)
        ) WITHOUT ROWID;
        INSERT INTO tallies SELECT 1, source_id, location, 'stored', COUNT(*) FROM log WHERE kind IN (1, 2) GROUP BY source_id, location;
        -- Sequence numbers delivered before the box kept tallies (duplicates and refused lines were not counted then).
        INSERT INTO tallies
            SELECT 1, p.source_id, p.location, 'beforeTallies', p.last_seq - COALESCE(t.lines, 0)
            FROM positions p LEFT JOIN tallies t ON t.meet_id = 1 AND t.source_id = p.source_id AND t.location = p.location AND t.outcome = 'stored'
            WHERE p.meet_id = 1 AND p.last_seq > COALESCE(t.lines, 0);
        -- Lines with a sequence number that did not become a log entry: why, and the line itself (shortened).
        CREATE TABLE unstored (
            meet_id     INTEGER NOT NULL,
            source_id   INTEGER NOT NULL,
            location    TEXT NOT NULL,
            seq         INTEGER NOT NULL,
            outcome     TEXT NOT NULL,
            received_ms INTEGER NOT NULL,
            raw         TEXT NOT NULL,
            PRIMARY KEY (meet_id, source_id, location, seq)
        ) WITHOUT ROWID;
        """,
        // 3 -> 4: the timer's corrections of a meet, listed by the console's edit history without scanning the reads.
        // Partial: reads (kinds 1, 2) are not in it, so ingest pays nothing for it.
        """
        CREATE INDEX log_corrections ON log(meet_id, id) WHERE kind >= 10;
        """,
    ];

    /// <summary>
    /// Opens the database for writing, creating or upgrading the schema. Durable commits: WAL + synchronous=FULL.
    /// A write that finds the file locked by another process is retried for up to <paramref name="lockedTimeoutSeconds"/>.
    /// </summary>
    public static SqliteConnection OpenWriter(string dataDir, int lockedTimeoutSeconds = 30)
    {
        Directory.CreateDirectory(dataDir);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDir, FileName),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = lockedTimeoutSeconds,
        }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=OFF;");
        Migrate(connection);
        return connection;
    }

    /// <summary>Opens the database read-only, as another process (the sync agent) does.</summary>
    public static SqliteConnection OpenReader(string dataDir)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDir, FileName),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout=5000;");
        return connection;
    }

    private static void Migrate(SqliteConnection connection)
    {
        using var versionCommand = connection.CreateCommand();
        versionCommand.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt32(versionCommand.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"{FileName} has schema version {version}; this build knows up to {SchemaVersion}. Use a newer build.");
        }

        for (var next = version; next < SchemaVersion; next++)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, Migrations[next], transaction);
            Execute(connection, $"PRAGMA user_version = {next + 1}", transaction);
            transaction.Commit();
        }
    }

    internal static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
