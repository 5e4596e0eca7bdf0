using System.Diagnostics;
using System.Globalization;
using System.Text;
using Edge.Simulator;
using Edge.Store;
using Edge.Tests.Support;

/// <summary>The results engine at the size of a big race: 40,000 participants, 400,000 reads.</summary>
internal static class ResultsBenchmarks
{
    private const int Participants = 40_000;

    /// <summary>Returns process start to healthy on that database, and the full rebuild's time.</summary>
    public static async Task<(TimeSpan Startup, double RebuildMs)> Rebuild(Action<ProcessBox>? prepare = null)
    {
        var meetDir = TempDir.Create("bench-rebuild-meet");
        var dataDir = TempDir.Create("bench-rebuild-data");
        string[] locations = ["start", "5k", "10k", "15k", "20k", "25k", "30k", "35k", "40k", "finish"];
        WriteMeet(meetDir, locations);
        var race = GeneratedRace.Generate(new RaceOptions
        {
            Participants = Participants,
            Locations = locations,
            CourseKilometers = 42.195,
            GunTime = new DateTimeOffset(2026, 5, 2, 7, 0, 0, TimeSpan.Zero),
        });
        // The log as a box that has been timing this meet leaves it (the bench measures a restart mid-race).
        var lastId = WriteLog(dataDir, race, Edge.Appliance.Meet.MeetLoader.Load(meetDir).Event);
        Console.WriteLine($"rebuild: {Participants:N0} participants, {lastId:N0} log entries ({race.Timeline.Count(r => !r.IsGun):N0} reads)");

        TimeSpan startup;
        double rebuildMs;
        using (var box = new ProcessBox(dataDir, $"--Edge:MeetDir={meetDir}", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Edge.Appliance.Results=Information",
            "--Logging:LogLevel:Edge.Appliance.Meet.MeetHost=Information", "--Logging:LogLevel:Edge.Appliance.Store.ReadStore=Information"))
        {
            prepare?.Invoke(box);
            startup = await box.StartAsync();
            var clock = Stopwatch.StartNew();
            // What the start spent before it listened: the meet folder's load and the store's open, as the box logs them.
            foreach (var line in box.Output.Split('\n').Where(l => l.Contains(" loaded: ", StringComparison.Ordinal) || l.Contains("Store open at", StringComparison.Ordinal)))
            {
                Console.WriteLine("rebuild: " + line.Trim());
            }

            while ((await box.StatusAsync()).GetProperty("results").GetProperty("lastLogId").GetInt64() < lastId)
            {
                await Task.Delay(50);
            }

            var status = await box.StatusAsync();
            rebuildMs = status.GetProperty("results").GetProperty("lastRebuildMs").GetDouble();
            Console.WriteLine($"rebuild: process start to healthy {startup.TotalMilliseconds:N0} ms; full results rebuild from the log {rebuildMs:N0} ms " +
                $"(healthy to results current {clock.ElapsedMilliseconds:N0} ms)");
            await Task.Delay(1000);
            Console.WriteLine("rebuild: " + box.Output.Split('\n').LastOrDefault(l => l.Contains("Results rebuilt", StringComparison.Ordinal))?.Trim());
            var process = (await box.StatusAsync()).GetProperty("process");
            Console.WriteLine($"rebuild: resident {box.ResidentBytes() / 1048576.0:F1} MiB with results for {Participants:N0} participants held in memory; " +
                $"GC heap {process.GetProperty("gcHeapBytes").GetInt64() / 1048576.0:F1} MiB, committed {process.GetProperty("gcCommittedBytes").GetInt64() / 1048576.0:F1} MiB");
        }

        TempDir.Delete(meetDir);
        TempDir.Delete(dataDir);
        return (startup, rebuildMs);
    }

    private static void WriteMeet(string dir, string[] locations)
    {
        var points = string.Join(",\n", locations.Select((l, i) =>
            i == 0 ? $$"""{ "location": "{{l}}", "role": "start" }"""
            : i == locations.Length - 1 ? $$"""{ "location": "{{l}}", "role": "finish", "km": 42.195 }"""
            : $$"""{ "location": "{{l}}", "role": "split", "km": {{i * 5}} }"""));
        File.WriteAllText(Path.Combine(dir, "meet.json"), $$"""
            {
              "event": { "name": "Bench Marathon", "date": "2026-05-02", "timeZone": "UTC" },
              "races": [ { "id": "marathon", "name": "Marathon", "distanceKm": 42.195, "gun": { "location": "{{locations[0]}}" },
                           "timingPoints": [ {{points}} ], "minimumTime": "01:30:00" } ],
              "participants": "participants.csv"
            }
            """);
        var csv = new StringBuilder("bib,first_name,last_name,gender,age,race,city,state\n");
        for (var i = 1; i <= Participants; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i},First{i},Last{i},{(i % 2 == 0 ? "F" : "M")},{18 + i % 60},marathon,Town{i % 100},WA\n");
        }

        File.WriteAllText(Path.Combine(dir, "participants.csv"), csv.ToString());
    }

    private static long WriteLog(string dataDir, GeneratedRace race, Edge.Appliance.Meet.MeetEvent meet)
    {
        using var connection = EdgeDatabase.OpenWriter(dataDir);
        using var writer = new LogWriter(connection);
        writer.OpenMeet(meet.Key, meet.Name, meet.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), meet.TimeZone.Id, 0);
        var source = writer.OpenSource("bench", "SimpleClient", 0).Id;
        foreach (var chunk in race.Timeline.Chunk(10_000))
        {
            var entries = chunk.Select(r => new NewLogEntry(
                r.IsGun ? LogKind.Gun : LogKind.Read, source, r.Location, r.Sequence, r.Tag, r.Time.ToUnixTimeMilliseconds(),
                r.Lap, r.ReaderId, r.Gator, 0, $"CT01_33~{r.Sequence}~{r.Location}~{r.Tag}")).ToArray();
            writer.Append(entries, new long[entries.Length]);
        }

        return writer.NextId - 1;
    }
}
