using System.Diagnostics;
using Edge.Appliance.Results;
using Edge.Appliance.Web;
using Edge.Cloud.Events;
using Edge.Cloud.Intake;
using Edge.Cloud.Landing;
using Edge.Cloud.Tests.Support;
using Edge.Tests.Support;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Edge.Cloud.Tests.Events;

/// <summary>The events folder as the timer edits it: a new folder served, an edit taking over, a bad edit, a clash, a removal.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EventCatalogTests : IAsyncLifetime
{
    private readonly NpgsqlDataSource _database;
    private readonly TestMeet _meet = TestMeet.Standard();
    private readonly string _events = TempDir.Create("catalog");
    private readonly EventCatalog _catalog;

    public EventCatalogTests(PostgresFixture postgres)
    {
        _database = NpgsqlDataSource.Create(postgres.Server.ConnectionString(postgres.Server.CreateDatabase("catalog")));
        var options = new EventOptions { EventsDir = _events, EventPollInterval = TimeSpan.FromMilliseconds(20), EventScanInterval = TimeSpan.FromMilliseconds(50) };
        _catalog = new EventCatalog(Options.Create(options), _database, Options.Create(new WebOptions()), TimeProvider.System,
            new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance), NullLoggerFactory.Instance);
    }

    public async Task InitializeAsync()
    {
        await CloudDatabase.EnsureSchemaAsync(_database, CancellationToken.None);
        var items = new[]
        {
            Item(1, "gun", "start", "guntime", 1_777_708_800_000),
            Item(2, "read", "start", "101", 1_777_708_804_710),
            Item(3, "read", "finish", "101", 1_777_711_332_140),
        };
        await new LogLanding(_database).LandAsync(new SyncBatch("finish-box", SyncMessages.Schema, "reads", 1, 3, 3, items), false, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _catalog.StopAsync(CancellationToken.None);
        _catalog.Dispose();
        await _database.DisposeAsync();
        _meet.Dispose();
        TempDir.Delete(_events);
    }

    [Fact]
    public async Task A_folder_is_served_an_edit_takes_over_a_bad_edit_keeps_the_last_good_and_a_removed_folder_stops()
    {
        var folder = Folder("lakeside", """{ "id": "lakeside", "boxes": [ { "device": "finish-box" } ] }""");
        await _catalog.StartAsync(CancellationToken.None);
        var feed = await Until(() => _catalog.Find("lakeside") is { } f && f.Current.ByBib["101"].Status == ParticipantStatus.Finished ? f : null, "the event served");
        Assert.Equal("/e/lakeside", feed.Site.Base);

        // The timer fixes a name in the roster: the edited meet replays and takes over, on the same feed.
        File.WriteAllText(Path.Combine(folder, "participants.csv"), File.ReadAllText(Path.Combine(folder, "participants.csv")).Replace("Zoë", "Zoe", StringComparison.Ordinal));
        await Until(() => feed.Current.ByBib["101"] is { Participant.FirstName: "Zoe", Status: ParticipantStatus.Finished } ? feed : null, "the edited roster");
        Assert.Same(feed, _catalog.Find("lakeside"));

        // A bad edit is reported; the last good definition goes on.
        File.WriteAllText(Path.Combine(folder, "event.json"), """{ "id": "lakeside", "boxes": [ { "devise": "finish-box" } ] }""");
        var problem = await Until(() => _catalog.Problems.FirstOrDefault(), "the bad edit reported");
        Assert.Contains("unknown field 'boxes[0].devise'; did you mean 'device'?", problem.Problem, StringComparison.Ordinal);
        Assert.Equal("Zoe", _catalog.Find("lakeside")!.Current.ByBib["101"].Participant.FirstName);

        // A second folder claiming the same id is refused, naming the first.
        File.WriteAllText(Path.Combine(folder, "event.json"), """{ "id": "lakeside", "boxes": [ { "device": "finish-box" } ] }""");
        Folder("lakeside-copy", """{ "id": "lakeside", "boxes": [ { "device": "start-box" } ] }""");
        var clash = await Until(() => _catalog.Problems.FirstOrDefault(p => p.Folder.EndsWith("lakeside-copy", StringComparison.Ordinal)), "the clash reported");
        Assert.Contains($"'lakeside' is already the event of {folder}", clash.Problem, StringComparison.Ordinal);
        Assert.Single(_catalog.Problems);

        // The folder removed: the event stops.
        Directory.Delete(folder, recursive: true);
        await Until(() => _catalog.Find("lakeside") is null ? "gone" : null, "the event stopped");
    }

    private string Folder(string name, string eventJson)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_events, name)).FullName;
        foreach (var file in Directory.EnumerateFiles(_meet.Path))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(folder, "event.json"), eventJson);
        return folder;
    }

    private static async Task<T> Until<T>(Func<T?> value, string what) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (value() is { } found)
            {
                return found;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    private static SyncItem Item(long id, string kind, string location, string tag, long atMs) =>
        new(id, kind, "2026-05-02-lakeside-10k", "ct-1", 1, location, id, tag, atMs, kind == "gun" ? 0 : 1, "0F2A38", 1, atMs, $"line {id}");
}
