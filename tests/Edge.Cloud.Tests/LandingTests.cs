using Edge.Cloud.Intake;
using Edge.Cloud.Landing;
using Edge.Cloud.Tests.Support;
using Npgsql;

namespace Edge.Cloud.Tests;

/// <summary>The landing transaction against a real PostgreSQL: repeats, holes, late entries, contradictions, new logs.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LandingTests : IAsyncLifetime
{
    private const string Box = "lakeside-box-1";
    private readonly NpgsqlDataSource _database;
    private readonly CloudRows _landed;
    private readonly LogLanding _landing;

    public LandingTests(PostgresFixture postgres)
    {
        var connection = postgres.Server.ConnectionString(postgres.Server.CreateDatabase("landing"));
        _database = NpgsqlDataSource.Create(connection);
        _landed = new CloudRows(connection);
        _landing = new LogLanding(_database);
    }

    public Task InitializeAsync() => CloudDatabase.EnsureSchemaAsync(_database, CancellationToken.None);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    /// <summary>A batch of reads <paramref name="first"/>..<paramref name="last"/>; <paramref name="variant"/> changes their content.</summary>
    public static SyncBatch Batch(long first, long last, string variant = "", string device = Box) =>
        new(device, SyncMessages.Schema, "reads", first, last, (int)(last - first + 1),
            Enumerable.Range(0, (int)(last - first + 1)).Select(i => Item(first + i, variant)).ToList());

    public static SyncItem Item(long id, string variant = "") =>
        new(id, "read", "lakeside-10k-2026", "ct-lakeside-1", 1, "finish", id, (1000 + id).ToString(System.Globalization.CultureInfo.InvariantCulture),
            1_777_736_462_130 + id * 100, 1, "A1B2C3", 3, 1_777_736_462_191 + id * 100, $"CT01_33~{id}~finish~{1000 + id}~15:41:02.13~1~A1B2C3~3{variant}");

    private Task<Landed> Land(SyncBatch batch, bool force = false) => _landing.LandAsync(batch, force, CancellationToken.None);

    [Fact]
    public async Task A_repeat_stores_nothing_and_is_counted_as_repeated()
    {
        var first = await Land(Batch(1, 100));
        var again = await Land(Batch(1, 100));

        Assert.Equal((LandingOutcome.Landed, 100, 0, 100L), (first.Outcome, first.Inserted, first.Repeated, first.Watermark));
        Assert.Equal((LandingOutcome.Landed, 0, 100, 100L), (again.Outcome, again.Inserted, again.Repeated, again.Watermark));
        Assert.Equal(100, _landed.Count(Box));
        Assert.Equal(100, _landed.Scalar("SELECT repeats FROM boxes WHERE device = $1", Box));
    }

    [Fact]
    public async Task A_batch_overlapping_the_watermark_adds_only_what_is_new()
    {
        await Land(Batch(1, 100));
        var overlap = await Land(Batch(51, 180));

        Assert.Equal((LandingOutcome.Landed, 80, 50, 180L), (overlap.Outcome, overlap.Inserted, overlap.Repeated, overlap.Watermark));
        Assert.Equal(180, _landed.Distinct(Box));
        Assert.Equal(0, _landed.OutOfOrder(Box));
    }

    [Fact]
    public async Task A_batch_ahead_of_the_watermark_waits_and_writes_nothing()
    {
        await Land(Batch(1, 100));
        var ahead = await Land(Batch(201, 300));

        Assert.Equal(LandingOutcome.Ahead, ahead.Outcome);
        Assert.Equal(100, ahead.Watermark);
        Assert.Equal(100, _landed.Count(Box));

        // Its predecessor lands, then it does: in order, no gap.
        await Land(Batch(101, 200));
        var now = await Land(Batch(201, 300));
        Assert.Equal((LandingOutcome.Landed, 300L), (now.Outcome, now.Watermark));
        Assert.Equal(0, _landed.OutOfOrder(Box));
        Assert.Equal(0, _landed.Gaps(Box));
    }

    [Fact]
    public async Task A_forced_batch_records_the_hole_and_late_entries_close_it_piece_by_piece()
    {
        await Land(Batch(1, 100));
        var forced = await Land(Batch(301, 400), force: true);

        Assert.Equal((LandingOutcome.Landed, 400L), (forced.Outcome, forced.Watermark));
        Assert.Equal((101L, 300L), forced.Gap);
        Assert.Equal("101-300", Gaps());

        // Late entries in the middle split the gap; the rest closes it.
        Assert.Equal(50, (await Land(Batch(151, 200))).Inserted);
        Assert.Equal("101-150,201-300", Gaps());
        await Land(Batch(101, 150));
        Assert.Equal("201-300", Gaps());
        await Land(Batch(201, 300));
        Assert.Equal("", Gaps());
        Assert.Equal(400, _landed.Distinct(Box));
        Assert.Equal(400, _landed.Watermark(Box));
    }

    [Fact]
    public async Task Entries_contradicting_stored_ones_are_refused_whole()
    {
        await Land(Batch(1, 100));
        var conflict = await Land(Batch(51, 150, variant: "~changed"));

        Assert.Equal(LandingOutcome.Conflict, conflict.Outcome);
        Assert.Equal(100, _landed.Count(Box));
        Assert.Equal(100, _landed.Watermark(Box));
    }

    [Fact]
    public async Task A_new_log_from_id_1_starts_a_new_epoch_and_keeps_the_old_one()
    {
        await Land(Batch(1, 100));
        var fresh = await Land(Batch(1, 40, variant: "~new meet"));

        Assert.Equal((LandingOutcome.Landed, 40, 2, 40L), (fresh.Outcome, fresh.Inserted, fresh.Epoch, fresh.Watermark));
        Assert.Equal(140, _landed.Count(Box));
        Assert.Equal(2, _landed.Scalar("SELECT epoch FROM boxes WHERE device = $1", Box));
        // The new log goes on from where it is; the old log's repeats are not confused with it.
        Assert.Equal(60, (await Land(Batch(41, 100, variant: "~new meet"))).Inserted);
    }

    [Fact]
    public async Task A_raw_line_with_a_NUL_is_stored_with_a_visible_stand_in()
    {
        var item = Item(1) with { Raw = "CT01_33~1~finish~1001~15:41:02.13~1~A1B2\0C3~3", Tag = "10\001" };
        var batch = new SyncBatch(Box, SyncMessages.Schema, "reads", 1, 1, 1, [item]);

        Assert.Equal(1, (await Land(batch)).Inserted);
        Assert.Equal("1|read|10\u240001|1777736462230|CT01_33~1~finish~1001~15:41:02.13~1~A1B2\u2400C3~3", Assert.Single(_landed.Entries(Box)));
        Assert.Equal(0, (await Land(batch)).Inserted);
    }

    [Fact]
    public async Task Boxes_are_kept_apart()
    {
        await Land(Batch(1, 100, device: "box-a"));
        await Land(Batch(1, 50, device: "box-b"));

        Assert.Equal(100, _landed.Count("box-a"));
        Assert.Equal(50, _landed.Count("box-b"));
        Assert.Equal(50, _landed.Watermark("box-b"));
    }

    [Fact]
    public async Task Two_writers_racing_on_one_box_commit_its_entries_in_order()
    {
        // 40 batches landed by two concurrent writers in whatever order they get them: each waits (Ahead) for its
        // predecessor, as two instances would.
        var batches = Enumerable.Range(0, 40).Select(i => Batch(i * 50 + 1, i * 50 + 50)).ToArray();
        async Task Writer(IEnumerable<SyncBatch> mine)
        {
            foreach (var batch in mine)
            {
                while ((await Land(batch)).Outcome == LandingOutcome.Ahead)
                {
                    await Task.Delay(2);
                }
            }
        }

        await Task.WhenAll(Writer(batches.Where((_, i) => i % 2 == 0)), Writer(batches.Where((_, i) => i % 2 == 1)));

        Assert.Equal(2000, _landed.Distinct(Box));
        Assert.Equal(0, _landed.OutOfOrder(Box));
        Assert.Equal(2000, _landed.Watermark(Box));
    }

    private string Gaps()
    {
        using var connection = _database.OpenConnection();
        using var command = new NpgsqlCommand("SELECT string_agg(first_id || '-' || last_id, ',' ORDER BY first_id) FROM box_gaps WHERE device = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Box });
        return command.ExecuteScalar() as string ?? "";
    }
}
