using Edge.Appliance.Store;
using Edge.Store;
using Edge.Tests.Support;
using static Edge.Tests.Support.StoreRows;
using Microsoft.Data.Sqlite;

namespace Edge.Tests.Store;

/// <summary>Read identity with the lap count, line tallies that reconcile, meets kept apart, and the upgrade of older files.</summary>
public class AccountingTests : IDisposable
{
    private readonly string _dir = TempDir.Create("accounting");

    private static RejectedLine Refused(long source, string location, long seq, string reason) =>
        new(source, location, seq, reason, 0, $"CT01_33~{seq}~{location}~1~garbled~1~0F2A38~1");

    [Fact]
    public void Reads_that_differ_only_in_lap_count_are_two_reads()
    {
        using var connection = EdgeDatabase.OpenWriter(_dir);
        using var writer = new LogWriter(connection);
        var source = writer.OpenSource("a", "SimpleClient", 0).Id;
        var ids = new long[3];
        writer.Append([Read(source, "finish", 1, "7", 5000, lap: 2), Read(source, "finish", 2, "7", 5000, lap: 3), Read(source, "finish", 3, "7", 5000, lap: 3)], ids);
        Assert.Equal([1L, 2L, 0L], ids);
        Assert.Equal(2, writer.Locations.Single().Reads);
    }

    [Fact]
    public void Every_sequence_number_is_stored_a_duplicate_or_rejected_and_gaps_show_as_missing()
    {
        using var connection = EdgeDatabase.OpenWriter(_dir);
        using var writer = new LogWriter(connection);
        var a = writer.OpenSource("a", "SimpleClient", 0).Id;
        var b = writer.OpenSource("b", "SimpleClient", 0).Id;
        writer.Append(
            [Read(a, "finish", 1, "1", 1000), Read(a, "finish", 2, "2", 2000), Read(a, "finish", 4, "4", 4000)],
            [Refused(a, "finish", 3, "badTime"), Refused(a, "", 0, "unknownFormat")],
            new long[3]);
        // After a reconnect a resumes at 2 (inclusive), and b, a restarted middleware, replays the same reads renumbered.
        writer.Append(
            [Read(a, "finish", 2, "2", 2000), Read(a, "finish", 4, "4", 4000), Read(b, "finish", 10, "1", 1000), Read(a, "finish", 7, "7", 7000)],
            [Refused(a, "finish", 3, "badTime")],
            new long[4]);

        var tallies = writer.Tallies().Select(LocationReconciliation.Of).ToList();
        var finishA = tallies.Single(t => t.Source == "a" && t.Location == "finish");
        Assert.Equal(7, finishA.LastSequence);
        Assert.Equal(8, finishA.Received);
        Assert.Equal(4, finishA.Stored);
        Assert.Equal(new DuplicateCounts(Resent: 3, SameRead: 0), finishA.Duplicates);
        Assert.Equal(1, finishA.Rejected["badTime"]);
        Assert.Equal(2, finishA.Missing); // 5 and 6 never arrived
        var finishB = tallies.Single(t => t.Source == "b");
        Assert.Equal(new DuplicateCounts(0, 1), finishB.Duplicates);
        Assert.Equal(1, tallies.Single(t => t.Source == "a" && t.Location == "").Rejected["unknownFormat"]);

        // Durable, not since start: a new writer over the same file sees the same tallies.
        using var again = new LogWriter(connection);
        again.OpenSource("a", "SimpleClient", 0);
        var reread = again.Tallies().Select(LocationReconciliation.Of).Single(t => t.Source == "a" && t.Location == "finish");
        Assert.Equal((8L, 4L, 2L), (reread.Received, reread.Stored, reread.Missing));
        // Kept for the timer to look at: a's refused line 3 (once, though sent twice) and b's renumbered read.
        Assert.Equal(2, Scalar(connection, "SELECT COUNT(*) FROM unstored"));
    }

    [Fact]
    public void A_number_refused_and_later_stored_counts_once_as_stored()
    {
        using var connection = EdgeDatabase.OpenWriter(_dir);
        using var writer = new LogWriter(connection);
        var a = writer.OpenSource("a", "SimpleClient", 0).Id;
        writer.Append([Read(a, "finish", 6, "6", 6000)], [Refused(a, "finish", 5, "badTime")], new long[1]);
        // The resend of 5 now reads well; 6 comes again garbled.
        writer.Append([Read(a, "finish", 5, "5", 5000)], [Refused(a, "finish", 6, "badTime")], new long[1]);
        var finish = LocationReconciliation.Of(writer.Tallies().Single());
        Assert.Equal((4L, 2L, 2L), (finish.Received, finish.Stored, finish.Duplicates.Resent));
        Assert.DoesNotContain(finish.Rejected, r => r.Value != 0);
        Assert.Equal(4, finish.Missing); // 1 to 4 never arrived
        Assert.Equal(0, Scalar(connection, "SELECT COUNT(*) FROM unstored"));
    }

    [Fact]
    public void The_meet_opened_last_is_known_by_order_not_by_the_box_clock()
    {
        using var connection = EdgeDatabase.OpenWriter(_dir);
        using var writer = new LogWriter(connection);
        writer.OpenMeet("saturday", "Saturday", "2026-05-02", "UTC", nowMs: 1_777_700_000_000);
        // Sunday's box booted with its clock in 1970 (no battery clock).
        var sunday = writer.OpenMeet("sunday", "Sunday", "2026-05-03", "UTC", nowMs: 5_000);
        Assert.Equal(sunday.Id, writer.LastMeet()!.Id);
    }

    [Fact]
    public void Waiting_entries_from_another_day_are_not_taken_by_a_new_meet()
    {
        using var connection = EdgeDatabase.OpenWriter(_dir);
        using var writer = new LogWriter(connection);
        var source = writer.OpenSource("a", "SimpleClient", 0).Id; // the waiting meet
        var lastYear = new DateTimeOffset(2025, 5, 3, 15, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        writer.Append([Read(source, "finish", 1, "1", lastYear)], new long[1]);
        var meet = writer.OpenMeet("lakeside-2026", "Lakeside", "2026-05-02", "UTC", 1);
        Assert.True(meet.IsNew);
        Assert.Empty(writer.Locations);
        Assert.Empty(writer.OpenSource("a", "SimpleClient", 0).LastSequences);
        Assert.Equal(1, Scalar(connection, "SELECT COUNT(*) FROM meets WHERE key LIKE 'unassigned.%'"));
    }

    [Fact]
    public void A_new_meet_starts_clean_and_the_old_one_stays_as_it_was()
    {
        using var connection = EdgeDatabase.OpenWriter(_dir);
        using var writer = new LogWriter(connection);
        var lakeside = writer.OpenMeet("2026-05-02-lakeside-10k", "Lakeside 10K", "2026-05-02", "America/Los_Angeles", 1);
        var source = writer.OpenSource("a", "SimpleClient", 0).Id;
        writer.Append([Read(source, "finish", 1, "1", 1000), Read(source, "finish", 2, "2", 2000)], new long[2]);

        var hills = writer.OpenMeet("2026-05-09-hills", "Hills", "2026-05-09", "UTC", 2);
        Assert.True(hills.IsNew);
        Assert.NotEqual(lakeside.Id, hills.Id);
        var inHills = writer.OpenSource("a", "SimpleClient", 0);
        Assert.Empty(inHills.LastSequences); // the same controller starts from its first read in the new meet
        Assert.Empty(writer.Locations);
        var ids = new long[1];
        writer.Append([Read(source, "finish", 1, "1", 1000)], ids); // the same read belongs to this meet too
        Assert.Equal(3, ids[0]);

        var back = writer.OpenMeet("2026-05-02-lakeside-10k", "Lakeside 10K", "2026-05-02", "America/Los_Angeles", 3);
        Assert.Equal(lakeside.Id, back.Id);
        Assert.False(back.IsNew);
        Assert.Equal(2, writer.OpenSource("a", "SimpleClient", 0).LastSequences["finish"]);
        Assert.Equal(2, writer.Locations.Single().Reads);
        Assert.Equal(back, writer.LastMeet()! with { IsNew = false });
        Assert.Equal([lakeside.Id, lakeside.Id, hills.Id], Ids(connection, "SELECT meet_id FROM log ORDER BY id"));
    }

    [Fact]
    public void Entries_waiting_for_a_meet_belong_to_the_first_meet_opened()
    {
        using var connection = EdgeDatabase.OpenWriter(_dir);
        using var writer = new LogWriter(connection);
        var waiting = writer.OpenWaitingMeet(0);
        var source = writer.OpenSource("a", "SimpleClient", 0).Id;
        writer.Append([Read(source, "finish", 1, "1", 1000)], new long[1]);
        var meet = writer.OpenMeet("lakeside", "Lakeside 10K", null, "UTC", 1);
        Assert.Equal(waiting.Id, meet.Id);
        Assert.Equal(1, writer.Locations.Single().Reads);
    }

    [Fact]
    public void A_version_2_file_is_upgraded_in_place_with_its_reads_kept()
    {
        Directory.CreateDirectory(_dir);
        using (var old = new SqliteConnection($"Data Source={Path.Combine(_dir, EdgeDatabase.FileName)};Pooling=False"))
        {
            old.Open();
            Exec(old, """
                CREATE TABLE sources (id INTEGER PRIMARY KEY, connection_id TEXT NOT NULL UNIQUE, program TEXT NOT NULL, first_seen_ms INTEGER NOT NULL);
                CREATE TABLE log (id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, source_id INTEGER NOT NULL, location TEXT NOT NULL, seq INTEGER NOT NULL,
                    tag TEXT NOT NULL, at_ms INTEGER NOT NULL, lap INTEGER NOT NULL, reader TEXT NOT NULL, gator INTEGER NOT NULL, received_ms INTEGER NOT NULL, raw TEXT NOT NULL);
                CREATE UNIQUE INDEX log_source_seq ON log(source_id, location, seq);
                CREATE UNIQUE INDEX log_identity ON log(at_ms, location, tag, reader, gator) WHERE kind IN (1, 2);
                CREATE TABLE positions (source_id INTEGER NOT NULL, location TEXT NOT NULL, last_seq INTEGER NOT NULL, PRIMARY KEY (source_id, location)) WITHOUT ROWID;
                CREATE TABLE locations (name TEXT PRIMARY KEY, reads INTEGER NOT NULL, guns INTEGER NOT NULL, last_seq INTEGER NOT NULL, last_at_ms INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO sources VALUES (1, 'a', 'SimpleClient', 0);
                INSERT INTO log VALUES (1, 1, 1, 'finish', 1, '7', 1777737600000, 2, '0F2A38', 1, 0, 'raw');
                INSERT INTO positions VALUES (1, 'finish', 1);
                INSERT INTO locations VALUES ('finish', 1, 0, 1, 1777737600000);
                PRAGMA user_version = 2;
                """);
        }

        using var connection = EdgeDatabase.OpenWriter(_dir);
        Assert.Equal(EdgeDatabase.SchemaVersion, Scalar(connection, "PRAGMA user_version"));
        using var writer = new LogWriter(connection);
        var meet = writer.OpenMeet("lakeside", "Lakeside 10K", "2026-05-02", "UTC", 1);
        Assert.Equal(1, meet.Id); // the upgraded file's reads, of the event's day, are the first meet's
        var source = writer.OpenSource("a", "SimpleClient", 0);
        Assert.Equal(1, source.LastSequences["finish"]);
        var ids = new long[1];
        writer.Append([Read(source.Id, "finish", 2, "7", 1777737600000, lap: 3)], ids); // same hundredth, next lap
        Assert.Equal(2, ids[0]);
        var reconciled = LocationReconciliation.Of(writer.Tallies().Single());
        Assert.Equal((2L, 2L, 0L), (reconciled.Stored, reconciled.LastSequence, reconciled.Missing));
    }

    private static List<long> Ids(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TempDir.Delete(_dir);
    }
}
