using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Appliance.Results;
using Edge.Store;
using Edge.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Edge.Tests.Web;

/// <summary>
/// Reads at absurd instants in the database (stored by an older build, or a controller whose clock was garbage) must
/// not take a page down: every page and API answer shows a placeholder for the time and goes on working.
/// </summary>
public class AbsurdTimeTests
{
    private const long Year33658 = 999_999_999_999_000;
    // Far past DateTimeOffset's range, yet near enough to the start that the chip time still fits a TimeSpan.
    private const long Year30489 = 900_000_000_000_000;
    private const long Year17814 = 500_000_000_000_000;

    [Fact]
    public async Task Every_page_answers_when_the_log_holds_reads_at_absurd_instants()
    {
        var json = TestMeet.StandardJson().Replace(
            "{ \"id\": \"5k\", \"name\": \"5K\", \"distanceKm\": 5, \"gun\": { \"location\": \"start\" }",
            "{ \"id\": \"5k\", \"name\": \"5K\", \"distanceKm\": 5, \"gun\": { \"location\": \"gun5k\" }", StringComparison.Ordinal);
        Assert.Contains("gun5k", json);
        using var meet = TestMeet.Create(json, TestMeet.SmallRoster);
        var dataDir = TempDir.Create("absurd");
        try
        {
            await StoreReadsAsync(dataDir, meet);
            // What the box would never take from a controller now, put straight into the database.
            Tamper(dataDir, [
                ("gun5k", "guntime", "08:00:00.00", Year33658),   // the 5K's gun
                ("finish", "101", "08:42:12.14", Year30489),      // a finish: chip time 28,000 years
                ("start", "104", "08:30:00.00", Year33658),       // last seen
                ("5k", "103", "08:20:00.00", Year17814),          // at the announcer's last split
                ("finish", "X1", "08:50:00.00", Year33658),       // unknown tags
                ("finish", "X2", "08:51:00.00", long.MinValue),
                ("5k", "X3", "08:52:00.00", long.MaxValue),
            ]);

            await using var box = await TestBox.StartAsync(dataDir, meet.Setting);
            var snapshot = await box.WaitForResultsAsync(
                s => s.ByBib["101"].FinishMs == Year30489 && s.ByBib["104"].LastSeenMs == Year33658 && s.ByBib["103"].LastSeenMs == Year17814
                    && s.Race("5k")!.GunMs == Year33658 && s.UnknownTagCount == 3,
                "the tampered reads in the results");
            Assert.Equal(ParticipantStatus.Finished, snapshot.ByBib["101"].Status);
            Assert.Equal(ParticipantStatus.OnCourse, snapshot.ByBib["103"].Status);

            string[] paths =
            [
                "/", "/?fragment=1", "/races/10k", "/races/10k?fragment=1", "/races/5k", "/races/10k?gender=F", "/search?q=10",
                "/participants/101", "/participants/101?fragment=1", "/participants/103", "/participants/104", "/participants/201", "/finishers",
                "/api/races", "/api/races/10k/results", "/api/races/5k/results", "/api/participants", "/api/participants/101",
                "/api/participants/103", "/api/participants/104", "/api/unknown-tags", "/api/status", "/races/10k/results.csv",
                $"/d/{TestMeet.FinishDisplay}", $"/d/{TestMeet.LeaderDisplay}", $"/d/{TestMeet.OnCourseDisplay}", $"/d/{TestMeet.AnnouncerDisplay}",
                $"/d/{TestMeet.AnnouncerDisplay}?fragment=1",
            ];
            foreach (var path in paths)
            {
                using var response = await box.Http.GetAsync(path);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            var unknown = await box.Http.GetFromJsonAsync<JsonElement>("/api/unknown-tags");
            Assert.Equal(3, unknown.GetProperty("count").GetInt64());
            Assert.All(unknown.GetProperty("tags").EnumerateArray(), t => Assert.Equal(JsonValueKind.Null, t.GetProperty("lastSeen").ValueKind));

            var zoe = await box.Http.GetFromJsonAsync<JsonElement>("/api/participants/101");
            Assert.Equal(("finished", JsonValueKind.Null, JsonValueKind.Null, JsonValueKind.Null), (zoe.GetProperty("status").GetString(),
                zoe.GetProperty("chipTime").ValueKind, zoe.GetProperty("finish").ValueKind, zoe.GetProperty("pacePerKm").ValueKind));
            Assert.Equal("08:00:04.71", zoe.GetProperty("start").GetString());
            var fiveK = (await box.Http.GetFromJsonAsync<JsonElement>("/api/races")).EnumerateArray().Single(r => r.GetProperty("id").GetString() == "5k");
            Assert.Equal(JsonValueKind.Null, fiveK.GetProperty("gunTime").ValueKind);
            var finish = (await box.StatusAsync()).GetProperty("locations").EnumerateArray().Single(l => l.GetProperty("name").GetString() == "finish");
            Assert.Equal(JsonValueKind.Null, finish.GetProperty("lastReadAt").ValueKind);

            Assert.Contains($"Last seen at the start at {ResultFormat.InvalidTime}", await box.Http.GetStringAsync("/participants/104"));
            Assert.Contains($"Crossed the finish at {ResultFormat.InvalidTime}", await box.Http.GetStringAsync("/participants/101"));
            Assert.Contains($"gun {ResultFormat.InvalidTime}", await box.Http.GetStringAsync("/races/5k"));
            Assert.Contains(ResultFormat.InvalidTime, await box.Http.GetStringAsync("/races/10k"));
            Assert.Contains($",{ResultFormat.InvalidTime},", await box.Http.GetStringAsync("/races/10k/results.csv"));
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }

    /// <summary>A race's reads at ordinary times, stored by a box over CTP01 as a timer would send them.</summary>
    private static async Task StoreReadsAsync(string dataDir, TestMeet meet)
    {
        (string Location, string Tag, string Time)[] reads =
        [
            ("start", "guntime", "08:00:00.00"),
            ("gun5k", "guntime", "08:00:00.00"),
            ("start", "104", "08:00:03.00"),
            ("start", "101", "08:00:04.71"),
            ("start", "103", "08:00:05.00"),
            ("5k", "103", "08:20:00.00"),
            ("5k", "101", "08:21:40.00"),
            ("5k", "104", "08:22:00.00"),
            ("start", "104", "08:30:00.00"),
            ("finish", "101", "08:42:12.14"),
            ("finish", "X1", "08:50:00.00"),
            ("finish", "X2", "08:51:00.00"),
            ("5k", "X3", "08:52:00.00"),
        ];
        await using var box = await TestBox.StartAsync(dataDir, meet.Setting);
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync(Guid.NewGuid().ToString("N"), "start", "5k", "finish", "gun5k");
        var sequence = new Dictionary<string, int>();
        await client.SendAsync([.. reads.Select(r => TimingFeed.Line(r.Location, sequence[r.Location] = sequence.GetValueOrDefault(r.Location) + 1, r.Tag, r.Time))]);
        await box.WaitUntilAsync(s => s.GetProperty("reads").GetInt64() + s.GetProperty("guns").GetInt64() >= reads.Length, TimeSpan.FromSeconds(30), "the reads stored");
    }

    /// <summary>Moves stored reads (found by location, tag and their time on the meet's date) to other instants.</summary>
    private static void Tamper(string dataDir, IEnumerable<(string Location, string Tag, string Time, long ToMs)> moves)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, EdgeDatabase.FileName)};Pooling=False");
        connection.Open();
        foreach (var (location, tag, time, toMs) in moves)
        {
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE log SET at_ms = $to WHERE location = $location AND tag = $tag AND at_ms = $from";
            update.Parameters.AddWithValue("$to", toMs);
            update.Parameters.AddWithValue("$location", location);
            update.Parameters.AddWithValue("$tag", tag);
            update.Parameters.AddWithValue("$from", DateTimeOffset.Parse($"{TestMeet.Date}T{time}Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
            Assert.Equal(1, update.ExecuteNonQuery());
        }

        using var totals = connection.CreateCommand();
        totals.CommandText = "UPDATE locations SET last_at_ms = $to WHERE name = 'finish'";
        totals.Parameters.AddWithValue("$to", Year33658);
        Assert.True(totals.ExecuteNonQuery() >= 1);
    }
}
