using Edge.Cloud.Events;
using Edge.Cloud.Intake;
using Edge.Cloud.Landing;
using Edge.Cloud.Tests.Support;
using Edge.Online.Tests.Support;
using Edge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Edge.Cloud.Tests.Events;

/// <summary>
/// A cloud event whose meet.json has a runsignup section posts the merged results, from one instance at a time: two
/// instances' results for the same event, one posts and one stands by; the poster goes, the other takes over.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class EventPostingTests : IAsyncLifetime
{
    private readonly NpgsqlDataSource _database;
    private readonly TestMeet _meet;
    private RunSignUpStandIn _runSignUp = null!;

    public EventPostingTests(PostgresFixture postgres)
    {
        _database = NpgsqlDataSource.Create(postgres.Server.ConnectionString(postgres.Server.CreateDatabase("posting")));
        _meet = TestMeet.Standard();
    }

    public async Task InitializeAsync()
    {
        _runSignUp = await RunSignUpStandIn.StartAsync();
        _runSignUp.AddEvent(456, "10K", 0);
        var meetJson = File.ReadAllText(Path.Combine(_meet.Path, "meet.json")).Replace("\"participants\": \"participants.csv\"", $$"""
            "participants": "participants.csv",
            "runsignup": { "raceId": 123, "keyFile": "rsu-key.txt", "secretFile": "rsu-secret.txt", "every": "00:00:10", "baseUrl": "{{_runSignUp.BaseUrl}}",
                           "races": { "10k": { "eventId": 456, "resultSet": "Lakeside 10K" } } }
            """, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_meet.Path, "meet.json"), meetJson);
        File.WriteAllText(Path.Combine(_meet.Path, "rsu-key.txt"), RunSignUpStandIn.Key);
        File.WriteAllText(Path.Combine(_meet.Path, "rsu-secret.txt"), RunSignUpStandIn.Secret);
        File.WriteAllText(Path.Combine(_meet.Path, EventFolder.EventFile), """{ "id": "lakeside", "boxes": [ { "device": "start-box" }, { "device": "finish-box" } ] }""");
        await CloudDatabase.EnsureSchemaAsync(_database, CancellationToken.None);
        var landing = new LogLanding(_database);
        await landing.LandAsync(Batch("start-box", Item(1, "gun", "start", "guntime", 1_777_708_800_000), Item(2, "read", "start", "101", 1_777_708_804_710)),
            false, CancellationToken.None);
        await landing.LandAsync(Batch("finish-box", Item(1, "read", "finish", "101", 1_777_711_510_250)), false, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _runSignUp.DisposeAsync();
        await _database.DisposeAsync();
        _meet.Dispose();
    }

    [Fact]
    public async Task One_instance_posts_the_merged_results_and_another_takes_over_when_it_goes()
    {
        var definition = EventFolder.Load(_meet.Path);
        var first = new EventResults(definition, _database, TimeSpan.FromMilliseconds(50), TimeProvider.System, NullLogger.Instance, TimeSpan.FromMilliseconds(100));
        first.Start();
        await Until(() => _runSignUp.ResultSets.Values.Any(s => s.Rows.ContainsKey("101")), "bib 101 posted");
        var second = new EventResults(definition, _database, TimeSpan.FromMilliseconds(50), TimeProvider.System, NullLogger.Instance, TimeSpan.FromMilliseconds(100));
        second.Start();
        try
        {
            await Until(() => second.Posting.Status.State == "standby", "the second instance standing by");
            var row = _runSignUp.ResultSets.Values.Single().Rows["101"];
            // Gun at the start box, chip start at the start box, finish at the finish box: one result.
            Assert.Equal("0:45:10.25", row["clock_time"]);
            Assert.Equal("0:45:05.54", row["chip_time"]);
            Assert.Equal("posted", first.Posting.Status.State);
            Assert.Single(_runSignUp.PostedBatches);

            await first.DisposeAsync();
            await Until(() => second.Posting.Status.State is "posted" or "waiting", "the second instance taking over");
            // Taking over, it posts its whole set once: the same row, by bib.
            await Until(() => _runSignUp.PostedBatches.Count == 2, "the repeat post");
            Assert.Single(_runSignUp.ResultSets.Values.Single().Rows);
        }
        finally
        {
            await second.DisposeAsync();
            await first.DisposeAsync();
        }
    }

    private static SyncBatch Batch(string device, params SyncItem[] items) =>
        new(device, SyncMessages.Schema, "reads", items[0].Id, items[^1].Id, items.Length, items);

    private static SyncItem Item(long id, string kind, string location, string tag, long atMs) =>
        new(id, kind, "2026-05-02-lakeside-10k", "ct-1", 1, location, id, tag, atMs, kind == "gun" ? 0 : 1, "0F2A38", 1, atMs, $"line {id}");

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            await Task.Delay(20);
        }
    }
}
