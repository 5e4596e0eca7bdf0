using Edge.Appliance.Results;

namespace Edge.Tests.Support;

/// <summary>
/// A race in progress on the standard meet (gun 08:00:00 UTC), fed over CTP01:
/// 10K: 103 Ann Lee 1st (gun 0:40:00.00), 101 Zoë Ångström 2nd (chip 0:42:07.43, gun 0:42:12.14), 105 Annie Leeds 3rd;
/// 104 José Núñez seen at 5 km (on course, expected at the finish at 08:43:57); 102 started only; 106, 107, 1010 not seen.
/// 5K: 201 Dan Annis finished at 08:25:00; 202 not seen.
/// </summary>
public static class RaceScenario
{
    public static readonly (string Location, string Bib, string Time)[] Reads =
    [
        ("start", "201", "08:00:02.00"),
        ("start", "104", "08:00:03.00"),
        ("start", "101", "08:00:04.71"),
        ("start", "103", "08:00:05.00"),
        ("start", "102", "08:00:06.00"),
        ("start", "105", "08:00:07.00"),
        ("5k", "103", "08:20:00.00"),
        ("5k", "101", "08:21:40.00"),
        ("5k", "104", "08:22:00.00"),
        ("5k", "105", "08:22:30.00"),
        ("finish", "201", "08:25:00.00"),
        ("finish", "103", "08:40:00.00"),
        ("finish", "101", "08:42:12.14"),
        ("finish", "105", "08:45:00.00"),
    ];

    /// <summary>Feeds the scenario and waits until the results show it; returns the feed for more reads.</summary>
    public static async Task<TimingFeed> FeedAsync(TestBox box)
    {
        var feed = await TimingFeed.ConnectAsync(box.TimingPort);
        await feed.GunAsync();
        await feed.ReadsAsync(Reads);
        await box.WaitForResultsAsync(
            s => s.Race("10k") is { Counts.Finished: 3, Counts.OnCourse: 1, Counts.Started: 1 } && s.Race("5k") is { Counts.Finished: 1 },
            "the scenario's results");
        return feed;
    }

    /// <summary>A box running the standard meet with the scenario fed, shared by the tests of a class that only read.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public TestMeet Meet { get; private set; } = null!;
        public TestBox Box { get; private set; } = null!;
        public ResultsSnapshot Snapshot { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Meet = TestMeet.Standard();
            Box = await TestBox.StartAsync(null, Meet.Setting);
            using var feed = await FeedAsync(Box);
            Snapshot = await Box.WaitForResultsAsync(_ => true, "results");
        }

        public async Task DisposeAsync()
        {
            await Box.DisposeAsync();
            Meet.Dispose();
        }
    }
}
