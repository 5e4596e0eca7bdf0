using Edge.Store;
using Edge.Tests.Support;
using static Edge.Tests.Support.StoreRows;
using Microsoft.Data.Sqlite;

namespace Edge.Tests.Store;

public class LogWriterTests : IDisposable
{
    private readonly string _dir = TempDir.Create("store");

    [Fact]
    public void Appended_entries_get_dense_increasing_ids_and_survive_reopening()
    {
        using (var connection = EdgeDatabase.OpenWriter(_dir))
        using (var writer = new LogWriter(connection))
        {
            var source = writer.OpenSource("cid", "SimpleClient", 0).Id;
            var ids = new long[3];
            writer.Append([Read(source, "start", 1, "1", 1000), Read(source, "start", 2, "2", 1001), Read(source, "finish", 1, "1", 5000)], ids);
            Assert.Equal([1L, 2L, 3L], ids);
        }

        using (var connection = EdgeDatabase.OpenWriter(_dir))
        using (var writer = new LogWriter(connection))
        {
            Assert.Equal(4, writer.NextId);
            var source = writer.OpenSource("cid", "SimpleClient", 0);
            Assert.False(source.IsNew);
            Assert.Equal(2, source.LastSequences["start"]);
            Assert.Equal(1, source.LastSequences["finish"]);
            Assert.Equal(2, writer.Locations.Single(l => l.Name == "start").Reads);
        }
    }

    [Fact]
    public void Duplicates_by_source_sequence_or_by_read_identity_are_ignored()
    {
        using var connection = EdgeDatabase.OpenWriter(_dir);
        using var writer = new LogWriter(connection);
        var a = writer.OpenSource("a", "SimpleClient", 0).Id;
        var b = writer.OpenSource("b", "SimpleClient", 0).Id;
        var ids = new long[5];
        writer.Append(
        [
            Read(a, "start", 1, "101", 1000),
            Read(a, "start", 1, "999", 2000),          // same source+location+sequence: a resend
            Read(b, "start", 7, "101", 1000),          // same read from a restarted middleware
            Read(b, "start", 8, "101", 1000, gator: 2), // another mat segment: a different read
            Read(a, "finish", 1, "101", 1000),         // same time and tag elsewhere: different read
        ], ids);
        Assert.Equal([1L, 0L, 0L, 2L, 3L], ids);
        Assert.Equal(3, ConversationLog().Count);
        // b delivered up to 8 even though 7 was a duplicate.
        Assert.Equal(8, writer.OpenSource("b", "x", 0).LastSequences["start"]);
    }

    [Fact]
    public void A_failed_batch_stores_nothing_and_gives_its_ids_back()
    {
        using var connection = EdgeDatabase.OpenWriter(_dir, lockedTimeoutSeconds: 1);
        using var writer = new LogWriter(connection);
        var source = writer.OpenSource("a", "SimpleClient", 0).Id;
        var ids = new long[2];
        writer.Append([Read(source, "start", 1, "1", 1000)], ids.AsSpan(0, 1));

        // Another process holding the write lock makes the next commit fail.
        using var other = new SqliteConnection($"Data Source={Path.Combine(_dir, EdgeDatabase.FileName)};Pooling=False");
        other.Open();
        using (var pragma = other.CreateCommand())
        {
            pragma.CommandText = "PRAGMA busy_timeout=0; BEGIN IMMEDIATE;";
            pragma.ExecuteNonQuery();
        }

        using (var shortWait = connection.CreateCommand())
        {
            shortWait.CommandText = "PRAGMA busy_timeout=50";
            shortWait.ExecuteNonQuery();
        }

        Assert.Throws<SqliteException>(() => writer.Append([Read(source, "start", 2, "2", 1001)], ids));
        Assert.Equal(2, writer.NextId);
        using (var rollback = other.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
        }

        writer.Append([Read(source, "start", 2, "2", 1001)], ids.AsSpan(0, 1));
        Assert.Equal(2, ids[0]);
        Assert.Equal(2, writer.Locations.Single().Reads);
    }

    [Fact]
    public void The_log_reader_pages_in_id_order_for_the_sync_agent_and_replay()
    {
        using (var connection = EdgeDatabase.OpenWriter(_dir))
        using (var writer = new LogWriter(connection))
        {
            var source = writer.OpenSource("a", "SimpleClient", 0).Id;
            var batch = Enumerable.Range(1, 250).Select(i => Read(source, "start", i, i.ToString(), 1000 + i)).ToArray();
            writer.Append(batch, new long[batch.Length]);
        }

        using var reader = EdgeDatabase.OpenReader(_dir);
        using var log = new LogReader(reader);
        var page = log.ReadAfter(100, 100);
        Assert.Equal(Enumerable.Range(101, 100).Select(i => (long)i), page.Select(e => e.Id));
        Assert.Equal("101", page[0].Tag);
        Assert.Empty(log.ReadAfter(250, 10));
    }

    [Fact]
    public void Corrections_share_the_log_and_are_never_taken_for_duplicate_reads()
    {
        using var connection = EdgeDatabase.OpenWriter(_dir);
        using var writer = new LogWriter(connection);
        var console = writer.OpenSource("console", "edge", 0).Id;
        var timing = writer.OpenSource("a", "SimpleClient", 0).Id;
        var ids = new long[4];
        writer.Append(
        [
            Read(timing, "finish", 1, "101", 5000),
            new(LogKind.Dnf, console, "", 1, "101", 0, 0, "", 0, 0, "{}"),
            new(LogKind.Dq, console, "", 2, "101", 0, 0, "", 0, 0, """{"reason":"course cut"}"""),
            new(LogKind.Void, console, "", 3, "101", 0, 0, "", 0, 0, """{"voids":2}"""),
        ], ids);
        Assert.Equal([1L, 2L, 3L, 4L], ids);
        var log = ConversationLog();
        Assert.Equal([LogKind.Read, LogKind.Dnf, LogKind.Dq, LogKind.Void], log.Select(e => e.Kind));
        Assert.True(log[2].Kind.IsCorrection());
        Assert.False(log[0].Kind.IsCorrection());
        // Per-location totals count what timing sources sent, not the timer's corrections.
        Assert.Equal(["finish"], writer.Locations.Select(l => l.Name));
    }

    [Fact]
    public void A_version_1_database_is_upgraded_in_place_keeping_its_reads()
    {
        using (var v1 = new SqliteConnection($"Data Source={Path.Combine(_dir, EdgeDatabase.FileName)};Pooling=False"))
        {
            v1.Open();
            using var command = v1.CreateCommand();
            command.CommandText = """
                CREATE TABLE sources (id INTEGER PRIMARY KEY, connection_id TEXT NOT NULL UNIQUE, program TEXT NOT NULL, first_seen_ms INTEGER NOT NULL);
                CREATE TABLE log (id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, source_id INTEGER NOT NULL, location TEXT NOT NULL,
                    seq INTEGER NOT NULL, tag TEXT NOT NULL, at_ms INTEGER NOT NULL, lap INTEGER NOT NULL, reader TEXT NOT NULL,
                    gator INTEGER NOT NULL, received_ms INTEGER NOT NULL, raw TEXT NOT NULL);
                CREATE UNIQUE INDEX log_source_seq ON log(source_id, location, seq);
                CREATE UNIQUE INDEX log_identity ON log(at_ms, location, tag, reader, gator);
                CREATE TABLE positions (source_id INTEGER NOT NULL, location TEXT NOT NULL, last_seq INTEGER NOT NULL, PRIMARY KEY (source_id, location)) WITHOUT ROWID;
                CREATE TABLE locations (name TEXT PRIMARY KEY, reads INTEGER NOT NULL, guns INTEGER NOT NULL, last_seq INTEGER NOT NULL, last_at_ms INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO sources VALUES (1, 'a', 'SimpleClient', 0);
                INSERT INTO log VALUES (1, 1, 1, 'start', 1, '101', 1000, 1, '0F2A38', 1, 0, 'CT01_33~1~start~101~1000~1~0F2A38~1');
                INSERT INTO positions VALUES (1, 'start', 1);
                INSERT INTO locations VALUES ('start', 1, 0, 1, 1000);
                PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
        }

        using var connection = EdgeDatabase.OpenWriter(_dir);
        using var writer = new LogWriter(connection);
        Assert.Equal(2, writer.NextId);
        var ids = new long[2];
        writer.Append([Read(1, "start", 1, "101", 1000), Read(1, "start", 2, "102", 1001)], ids);
        Assert.Equal([0L, 2L], ids);
        Assert.Equal(2, ConversationLog().Count);
    }

    [Fact]
    public void A_database_from_a_newer_build_is_refused_with_a_clear_message()
    {
        using (var connection = EdgeDatabase.OpenWriter(_dir))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA user_version = 99";
            command.ExecuteNonQuery();
        }

        var e = Assert.Throws<InvalidOperationException>(() => EdgeDatabase.OpenWriter(_dir));
        Assert.Contains("schema version 99", e.Message);
    }

    [Fact]
    public void The_database_is_in_wal_mode()
    {
        using var connection = EdgeDatabase.OpenWriter(_dir);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public void Reopening_the_meet_opened_last_writes_nothing_and_a_switch_or_an_edit_is_recorded()
    {
        static long Changes(SqliteConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT total_changes()";
            return (long)command.ExecuteScalar()!;
        }

        long saturday;
        using (var connection = EdgeDatabase.OpenWriter(_dir))
        using (var writer = new LogWriter(connection))
        {
            saturday = writer.OpenMeet("saturday", "Saturday", "2026-05-02", "UTC", 1).Id;
            writer.OpenMeet("sunday", "Sunday", "2026-05-03", "UTC", 2);
        }

        // Back to Saturday (a switch), then a restart on Saturday: only the switch is a write.
        using (var connection = EdgeDatabase.OpenWriter(_dir))
        using (var writer = new LogWriter(connection))
        {
            Assert.Equal(saturday, writer.OpenMeet("saturday", "Saturday", "2026-05-02", "UTC", 3).Id);
            Assert.Equal(1, Changes(connection));
            Assert.Equal("saturday", writer.LastMeet()!.Key);
        }

        using (var connection = EdgeDatabase.OpenWriter(_dir))
        using (var writer = new LogWriter(connection))
        {
            var before = Changes(connection);
            Assert.Equal(saturday, writer.OpenMeet("saturday", "Saturday", "2026-05-02", "UTC", 4).Id);
            Assert.Equal(before, Changes(connection));

            // The folder renamed the event: the row follows it.
            writer.OpenMeet("saturday", "Saturday Classic", "2026-05-02", "UTC", 5);
            Assert.Equal(before + 1, Changes(connection));
            Assert.Equal("Saturday Classic", writer.LastMeet()!.Name);
        }
    }

    private List<LogEntry> ConversationLog()
    {
        using var connection = EdgeDatabase.OpenReader(_dir);
        using var reader = new LogReader(connection);
        return reader.ReadAfter(0, 1000);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TempDir.Delete(_dir);
    }
}
