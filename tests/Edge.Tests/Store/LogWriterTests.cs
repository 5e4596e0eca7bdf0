using Edge.Store;
using Edge.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Edge.Tests.Store;

public class LogWriterTests : IDisposable
{
    private readonly string _dir = TempDir.Create("store");

    private static NewLogEntry Read(long source, string location, long seq, string tag, long atMs, string reader = "0F2A38", int gator = 1) =>
        new(LogKind.Read, source, location, seq, tag, atMs, 1, reader, gator, 0, $"CT01_33~{seq}~{location}~{tag}~{atMs}~1~{reader}~{gator}");

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
        using var connection = EdgeDatabase.OpenWriter(_dir);
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
