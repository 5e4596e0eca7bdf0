using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;
using Edge.Appliance.Web;
using Edge.Cloud.Events;
using Edge.Cloud.Intake;
using Edge.Cloud.Landing;
using Edge.Cloud.Tests.Support;
using Edge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Edge.Cloud.Tests.Events;

/// <summary>An event's results fed from what the landing code stored in a real PostgreSQL: holes, new logs, other meets, following.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EventLogTests : IAsyncLifetime
{
    private const string Key = "2026-05-02-lakeside-10k";
    private readonly NpgsqlDataSource _database;
    private readonly LogLanding _landing;
    private readonly TestMeet _folder = TestMeet.Standard();
    private readonly Meet _meet;
    private readonly List<EventResults> _running = [];

    public EventLogTests(PostgresFixture postgres)
    {
        _database = NpgsqlDataSource.Create(postgres.Server.ConnectionString(postgres.Server.CreateDatabase("events")));
        _landing = new LogLanding(_database);
        _meet = MeetLoader.Load(_folder.Path);
    }

    public Task InitializeAsync() => CloudDatabase.EnsureSchemaAsync(_database, CancellationToken.None);

    public async Task DisposeAsync()
    {
        foreach (var results in _running)
        {
            await results.DisposeAsync();
        }

        await _database.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Entries_behind_a_hole_wait_for_it_then_go_in_in_the_box_order()
    {
        var finish = new Box("finish-box");
        await Land(finish, finish.Gun("08:00:00.00"), finish.Read("start", "103", "08:00:05.00"), finish.Read("start", "101", "08:00:04.71"));
        var hole = new[] { finish.Read("finish", "201", "08:25:00.00"), finish.Read("finish", "103", "08:40:00.00"), finish.Read("finish", "101", "08:42:12.14") };
        var after = new[] { finish.Void(hole[1].Id), finish.Read("finish", "105", "08:45:00.00") };
        await Land(finish, after, force: true);
        var results = Start(finish);

        await Until(results, s => s.LastLogId == 3, "the entries before the hole");
        await Task.Delay(300);
        Assert.Equal(3, results.Current.LastLogId);

        await Land(finish, hole);
        var snapshot = await Until(results, s => s.LastLogId == 8, "every entry once the hole is filled");
        // The void (box id 7, after the hole) found its target (box id 5, in the hole): 103 has no finish.
        Assert.Equal(ParticipantStatus.Started, snapshot.ByBib["103"].Status);
        Assert.Equal(ParticipantStatus.Finished, snapshot.ByBib["101"].Status);
    }

    [Fact]
    public async Task A_box_given_a_fresh_log_goes_on_with_its_new_entries()
    {
        var start = new Box("start-box");
        await Land(start, start.Gun("08:00:00.00"), start.Read("start", "101", "08:00:04.71"), start.Read("start", "103", "08:00:05.00"));
        var results = Start(start);
        await Until(results, s => s.LastLogId == 3, "the first log");

        // A new card: ids from 1 again, other entries.
        var fresh = new Box("start-box");
        await Land(fresh, fresh.Read("start", "105", "08:00:07.00"), fresh.Read("start", "102", "08:00:06.00"));
        var snapshot = await Until(results, s => s.LastLogId == 5, "the new log's entries");
        Assert.All(["101", "102", "103", "105"], bib => Assert.Equal(ParticipantStatus.Started, snapshot.ByBib[bib].Status));
    }

    [Fact]
    public async Task Other_meets_and_other_boxes_stay_out()
    {
        var finish = new Box("finish-box");
        var stranger = new Box("stranger-box");
        await Land(finish, finish.Gun("08:00:00.00"), finish.Read("finish", "101", "08:42:12.14", meet: "2025-05-03-lakeside-10k"), finish.Read("finish", "103", "08:40:00.00"));
        await Land(stranger, stranger.Read("finish", "105", "08:45:00.00"));
        var results = Start(finish);

        var snapshot = await Until(results, s => s.LastLogId == 2, "the event's two entries");
        Assert.Equal(ParticipantStatus.Finished, snapshot.ByBib["103"].Status);
        Assert.Equal(ParticipantStatus.Registered, snapshot.ByBib["101"].Status);
        Assert.Equal(ParticipantStatus.Registered, snapshot.ByBib["105"].Status);
    }

    [Fact]
    public async Task Following_three_boxes_as_they_land_gives_the_results_of_a_replay()
    {
        var roster = TestMeet.BigRoster(600).ToList();
        using var big = TestMeet.Create(TestMeet.StandardJson(wifi: false), roster);
        var meet = MeetLoader.Load(big.Path);
        var boxes = new[] { new Box("start-box"), new Box("half-box"), new Box("finish-box") };
        var definition = Event(meet, boxes);
        var live = Start(definition);
        await Land(boxes[0], boxes[0].Gun("08:00:00.00"));

        // Each box lands its mat's reads in small batches while the event follows; now and then a correction.
        var random = new Random(11);
        var batches = new List<Queue<SyncItem[]>>();
        foreach (var (box, location, offset) in new[] { (boxes[0], "start", 0), (boxes[1], "5k", 1200), (boxes[2], "finish", 2400) })
        {
            var items = new List<SyncItem>();
            for (var bib = 1; bib <= roster.Count; bib++)
            {
                items.Add(box.Read(location, bib.ToString(CultureInfo.InvariantCulture), Time(offset + bib * 1.37 + random.Next(100))));
                if (bib % 97 == 0)
                {
                    items.Add(box.Correction("dq", (bib - 5).ToString(CultureInfo.InvariantCulture), """{"reason":"no bib","by":"timer"}"""));
                }

                if (bib % 131 == 0)
                {
                    items.Add(box.Void(items[^3].Id));
                }
            }

            batches.Add(new Queue<SyncItem[]>(items.Chunk(17)));
        }

        // The boxes' batches interleaved at random, each box's in its order.
        while (batches.Any(q => q.Count > 0))
        {
            var box = random.Next(boxes.Length);
            if (batches[box].TryDequeue(out var batch))
            {
                await Land(boxes[box], batch);
            }
        }

        var total = boxes.Sum(b => b.LastId);
        var followed = await Until(live, s => s.LastLogId == total, $"{total} entries followed");
        var replay = Start(definition);
        var replayed = await Until(replay, s => s.LastLogId == total, "the replay");

        Assert.Equal(Json(replayed), Json(followed));
        Assert.True(followed.Race("10k")!.Counts.Finished > 500);
        Assert.True(live.Progress.Entries == total && live.Progress.SameReads == 0);
    }

    private static string Time(double secondsAfterEight) =>
        TimeSpan.FromHours(8).Add(TimeSpan.FromSeconds(secondsAfterEight)).ToString(@"hh\:mm\:ss\.ff", CultureInfo.InvariantCulture);

    private static string Json(ResultsSnapshot snapshot) => JsonSerializer.Serialize(snapshot.Races.Values.OrderBy(r => r.Race.Id, StringComparer.Ordinal)
        .Select(r => r.All.Select(row => ResultsApi.Row(row, ResultFormat.RankedBy(r), snapshot.Meet)).ToList()).ToList());

    private CloudEvent Event(Meet meet, params Box[] boxes) =>
        new("lakeside", "Lakeside 10K", [.. boxes.Select(b => b.Device).Distinct().Select(d => new EventBox(d, Key))], meet, _folder.Path);

    private EventResults Start(params Box[] boxes) => Start(Event(_meet, boxes));

    private EventResults Start(CloudEvent definition)
    {
        var results = new EventResults(definition, _database, TimeSpan.FromMilliseconds(20), TimeProvider.System, NullLogger.Instance);
        _running.Add(results);
        results.Start();
        return results;
    }

    private static async Task<ResultsSnapshot> Until(EventResults results, Func<ResultsSnapshot, bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition(results.Current))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.Fail($"timed out waiting for {what}; have {results.Current.LastLogId} entries, problem: {results.Problem}");
            }

            await Task.Delay(10);
        }

        return results.Current;
    }

    private Task Land(Box box, params SyncItem[] items) => Land(box, items, false);

    private async Task Land(Box box, SyncItem[] items, bool force)
    {
        var batch = new SyncBatch(box.Device, SyncMessages.Schema, "reads", items[0].Id, items[^1].Id, items.Length, items);
        var landed = await _landing.LandAsync(batch, force, CancellationToken.None);
        Assert.Equal(LandingOutcome.Landed, landed.Outcome);
    }

    /// <summary>One box's log: ids from 1, entries as its sync agent publishes them.</summary>
    private sealed class Box(string device)
    {
        private long _id;

        public string Device { get; } = device;
        public long LastId => _id;

        public SyncItem Gun(string time) => Item("gun", "start", "guntime", time, 0, null);

        public SyncItem Read(string location, string bib, string time, string meet = Key) => Item("read", location, bib, time, 1, null, meet);

        public SyncItem Void(long target) => Item("void", "", "", null, 0, $$"""{"voids":"{{target}}","what":"read","by":"timer"}""");

        public SyncItem Correction(string kind, string tag, string json) => Item(kind, "", tag, null, 0, json);

        private SyncItem Item(string kind, string location, string tag, string? time, int lap, string? json, string meet = Key)
        {
            var id = ++_id;
            var at = time is null ? 0 : DateTimeOffset.Parse($"{TestMeet.Date}T{time}Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
            var raw = json ?? $"CT01_33~{id}~{location}~{tag}~{TestMeet.Date}T{time}~{lap}~0F2A38~1";
            return new SyncItem(id, kind, meet, "ct-1", 1, location, id, tag, at, lap, "0F2A38", 1, at, raw);
        }
    }
}
