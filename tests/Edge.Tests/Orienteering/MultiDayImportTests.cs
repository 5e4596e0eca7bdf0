using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Appliance.Orienteering;
using Edge.Tests.Support;

namespace Edge.Tests.Orienteering;

/// <summary>
/// A two-day meet (Junior Nationals) into a real box: each day's file on its own or one file holding both, folded day
/// by day, totalled, shown on the pages and answered by the API, and the same after a restart.
/// </summary>
public class MultiDayImportTests
{
    private const string MeetJson = """
        {
          "event": { "name": "Junior Nationals", "date": "2026-06-06", "timeZone": "America/Los_Angeles" },
          CONSOLE
          "orienteering": {
            "classes": { "M21": { "scoring": "time" }, "F21": { "scoring": "1000pts" }, "JVM": { "scoring": "awt" } },
            "teams": [ { "id": "JVT", "name": "JV Teams", "classes": ["JVM"], "scoring": "awt-team", "best": 3 } ]
          }
        }
        """;

    private const string Day1Time = "2026-06-06T18:00:00-07:00";
    private const string Day2Time = "2026-06-07T18:00:00-07:00";

    private sealed record Runner(string Class, string Given, string Family, string Club, (double? Time, string Status)? Day1, (double? Time, string Status)? Day2);

    /// <summary>
    /// M21 (time): Di misses day 2, Cy does not finish it. F21 (1000pts): Gil misses day 2. JVM (awt, and the awt-team
    /// JV Teams, best 3): Lakeside's H4 misses day 2, Hilltop's K3 does not finish it.
    /// </summary>
    private static readonly Runner[] Runners =
    [
        new("M21", "Ann", "Lee", "Lakeside", (1800, "OK"), (1900, "OK")),
        new("M21", "Bo", "Ek", "Hilltop", (1750, "OK"), (2000, "OK")),
        new("M21", "Cy", "Fox", "Hilltop", (1700, "OK"), (null, "DidNotFinish")),
        new("M21", "Di", "Gu", "Lakeside", (2000, "OK"), null),
        new("F21", "Eva", "Ash", "Lakeside", (2000, "OK"), (2400, "OK")),
        new("F21", "Fay", "Oak", "Hilltop", (2500, "OK"), (2000, "OK")),
        new("F21", "Gil", "Elm", "Hilltop", (3000, "OK"), null),
        new("JVM", "H1", "Lake", "Lakeside", (3000, "OK"), (3200, "OK")),
        new("JVM", "H2", "Lake", "Lakeside", (3300, "OK"), (3400, "OK")),
        new("JVM", "H3", "Lake", "Lakeside", (3600, "OK"), (3600, "OK")),
        new("JVM", "H4", "Lake", "Lakeside", (4000, "OK"), null),
        new("JVM", "K1", "Hill", "Hilltop", (3150, "OK"), (3000, "OK")),
        new("JVM", "K2", "Hill", "Hilltop", (3450, "OK"), (3100, "OK")),
        new("JVM", "K3", "Hill", "Hilltop", (3900, "OK"), (null, "DidNotFinish")),
    ];

    /// <summary>How a file says which day it is.</summary>
    private enum Marked
    {
        /// <summary>Not at all: day 1.</summary>
        Nothing,
        /// <summary>The Event's one Race, named "Sprint" (day 1) or "Long" (day 2).</summary>
        EventRace,
        /// <summary>Every Result's raceNumber.</summary>
        RaceNumber,
    }

    private static readonly string[] Classes = ["M21", "F21", "JVM"];

    private static string DayFile(int day, string createTime, Marked marked, Func<Runner, bool>? include = null, string status = "Complete")
    {
        var classes = string.Concat(Classes.Select(cls => IofXml.ClassResult(cls, string.Concat(Runners
            .Where(r => r.Class == cls && (include?.Invoke(r) ?? true) && (day == 1 ? r.Day1 : r.Day2) is not null)
            .Select(r =>
            {
                var (time, st) = (day == 1 ? r.Day1 : r.Day2)!.Value;
                return IofXml.PersonRaces(r.Given, r.Family, r.Club, (marked == Marked.RaceNumber ? day : null, time, st));
            })))));
        return marked == Marked.EventRace
            ? IofXml.DaysList(classes, createTime, status, (day, day == 1 ? "Sprint" : "Long"))
            : IofXml.DaysList(classes, createTime, status);
    }

    /// <summary>One file holding both days: a Result per race with its raceNumber, the Event naming both races.</summary>
    private static string BothDaysFile(string createTime) =>
        IofXml.DaysList(string.Concat(Classes.Select(cls => IofXml.ClassResult(cls, string.Concat(Runners.Where(r => r.Class == cls).Select(r =>
            IofXml.PersonRaces(r.Given, r.Family, r.Club, new[] { (Race: 1, Result: r.Day1), (Race: 2, Result: r.Day2) }
                .Where(d => d.Result is not null).Select(d => ((int?)d.Race, d.Result!.Value.Time, d.Result.Value.Status)).ToArray())))))),
            createTime, "Complete", (1, "Sprint"), (2, "Long"));

    // The awt of JVM each day: the mean of its three fastest OK times (day 1: 3000, 3150, 3300; day 2: 3000, 3100, 3200).
    private const double Awt1 = (3000 + 3150 + 3300) / 3.0;
    private const double Awt2 = (3000 + 3100 + 3200) / 3.0;

    private static double Awt(double time, double awt) => 60 * time / awt;

    /// <summary>Not OK: 10 + 60 × the 3 h time limit / AWT (JVM has no paired class).</summary>
    private static double NotOk(double awt) => 10 + 60 * 3 * 3600 / awt;

    [Fact]
    public async Task Two_day_files_each_complete_keep_each_other_and_are_totalled()
    {
        using var meet = Meet();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);

        await UploadAsync(timer, DayFile(1, Day1Time, Marked.Nothing));
        // One day so far: it looks and answers as a one-day meet does.
        var days = await box.Http.GetFromJsonAsync<JsonElement>("/api/o/days");
        Assert.Equal((1, false), (days.GetProperty("current").GetInt32(), days.GetProperty("overall").GetBoolean()));
        Assert.Equal([(1, "Day 1")], Days(days));
        Assert.False((await OrienteeringBox.ClassesAsync(box)).TryGetProperty("day", out _));
        Assert.DoesNotContain("id=\"days\"", await box.Http.GetStringAsync("/o"));
        Assert.Contains("href=\"/o/classes/M21\"", await box.Http.GetStringAsync("/o"));
        Assert.Equal(HttpStatusCode.OK, (await box.Http.GetAsync("/o?day=1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync("/o?day=2")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync("/o/overall")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync("/api/o/overall/classes/M21")).StatusCode);

        // Day 2's own Complete list (named by the Event's one Race) leaves day 1 as it was.
        await UploadAsync(timer, DayFile(2, Day2Time, Marked.EventRace));
        days = await box.Http.GetFromJsonAsync<JsonElement>("/api/o/days");
        Assert.Equal((2, true), (days.GetProperty("current").GetInt32(), days.GetProperty("overall").GetBoolean()));
        Assert.Equal([(1, "Day 1"), (2, "Long")], Days(days));
        Assert.Equal([Runners.Count(r => r.Day1 is not null), Runners.Count(r => r.Day2 is not null)],
            days.GetProperty("days").EnumerateArray().Select(d => d.GetProperty("competitors").GetInt32()));

        var classes = await OrienteeringBox.ClassesAsync(box);
        Assert.Equal((2, "Long"), (classes.GetProperty("day").GetInt32(), classes.GetProperty("dayName").GetString()));
        Assert.Equal(["Ann Lee", "Bo Ek", "Cy Fox"], Names(await OrienteeringBox.ResultsAsync(box, "M21")));
        var day1 = await ResultsAsync(box, "/api/o/classes/M21/results?day=1");
        Assert.Equal(["Cy Fox", "Bo Ek", "Ann Lee", "Di Gu"], Names(day1));
        Assert.Equal([1, 2, 3, 4], day1.Select(r => r.GetProperty("position").GetInt32()));

        await AssertTotalsAsync(box);
    }

    [Fact]
    public async Task One_file_holding_both_days_is_complete_for_both_and_a_later_day_2_list_replaces_day_2_only()
    {
        using var meet = Meet();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);

        await UploadAsync(timer, BothDaysFile(Day2Time));
        var days = await box.Http.GetFromJsonAsync<JsonElement>("/api/o/days");
        Assert.Equal([(1, "Sprint"), (2, "Long")], Days(days));
        await AssertTotalsAsync(box);
        Assert.Contains("days 1, 2", await timer.PageAsync("/admin/orienteering"));

        // A day-2 list without H3 (Lakeside's third scorer that day): day 1 stays the combined file's.
        await UploadAsync(timer, DayFile(2, "2026-06-07T19:00:00-07:00", Marked.RaceNumber, r => r.Given != "H3"));
        Assert.Equal(["Cy Fox", "Bo Ek", "Ann Lee", "Di Gu"], Names(await ResultsAsync(box, "/api/o/classes/M21/results?day=1")));
        Assert.Contains("H3 Lake", Names(await ResultsAsync(box, "/api/o/classes/JVM/results?day=1")));
        Assert.DoesNotContain("H3 Lake", Names(await ResultsAsync(box, "/api/o/classes/JVM/results?day=2")));

        // Lakeside has two scores on day 2 and is not ranked that day, so not overall either; H3 missed a day.
        var teams = await ResultsAsync(box, "/api/o/overall/teams/JVT");
        Assert.Equal(["Hilltop", "Lakeside"], teams.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(1, teams[0].GetProperty("position").GetInt32());
        Assert.Equal(Awt(3150, Awt1) + Awt(3450, Awt1) + Awt(3900, Awt1) + Awt(3000, Awt2) + Awt(3100, Awt2) + NotOk(Awt2), teams[0].GetProperty("total").GetDouble(), 6);
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (teams[1].GetProperty("position").ValueKind, teams[1].GetProperty("total").ValueKind));
        Assert.Equal(JsonValueKind.Null, teams[1].GetProperty("days")[1].GetProperty("position").ValueKind);
        var h3 = (await ResultsAsync(box, "/api/o/overall/classes/JVM")).Single(r => r.GetProperty("name").GetString() == "H3 Lake");
        Assert.Equal(JsonValueKind.Null, h3.GetProperty("position").ValueKind);
    }

    [Fact]
    public async Task Pages_switch_days_show_the_overall_standings_and_keep_their_day_live()
    {
        using var meet = Meet();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        await UploadAsync(timer, BothDaysFile(Day2Time));

        var home = await box.Http.GetStringAsync("/o");
        Assert.Contains("<p class=\"s\" id=\"days\"><a href=\"/o?day=1\">Sprint</a> · <b aria-current=\"page\">Long</b> · <a href=\"/o/overall\">Overall</a></p>", home);
        Assert.Contains("href=\"/o/classes/M21?day=2\"", home);
        Assert.Contains("href=\"/o/teams/JVT?day=2\"", home);
        var day1 = await box.Http.GetStringAsync("/o?day=1");
        Assert.Contains("<b aria-current=\"page\">Sprint</b>", day1);
        Assert.Contains("href=\"/o/classes/M21?day=1\"", day1);
        Assert.Contains("data-src=\"/o?day=1\"", day1);

        // A class on day 1: Di ran only then. Its live fragment is day 1's too.
        Assert.Contains("Di Gu", await box.Http.GetStringAsync("/o/classes/M21?day=1"));
        Assert.DoesNotContain("Di Gu", await box.Http.GetStringAsync("/o/classes/M21"));
        var fragment = await box.Http.GetStringAsync("/o/classes/M21?day=1&fragment=1");
        Assert.Contains("Di Gu", fragment);
        Assert.DoesNotContain("<html", fragment);
        Assert.Contains("Di Gu", await box.Http.GetStringAsync("/o/classes/M21/splits?day=1"));
        Assert.Contains("href=\"/o/overall/classes/M21\"", await box.Http.GetStringAsync("/o/classes/M21?day=1"));
        var team1 = await box.Http.GetStringAsync("/o/teams/JVT?day=1");
        Assert.Contains(Score(Awt(3000, Awt1) + Awt(3300, Awt1) + Awt(3600, Awt1)), team1);

        var overall = await box.Http.GetStringAsync("/o/overall");
        Assert.Contains("<b aria-current=\"page\">Overall</b>", overall);
        Assert.Contains("href=\"/o/overall/classes/M21\"", overall);
        Assert.Contains("href=\"/o/overall/classes/JVM\"", overall);
        Assert.Contains("href=\"/o/overall/teams/JVT\"", overall);

        // Ann: 3rd on day 1 in 30:00, 1st on day 2 in 31:40, 1st overall in 1:01:40. Cy did not finish day 2.
        var m21 = await box.Http.GetStringAsync("/o/overall/classes/M21");
        var ann = Row(m21, "Ann Lee");
        Assert.StartsWith("<tr><td class=\"r\">1</td>", ann);
        Assert.Matches("0:30:00<br><span class=\"s\">3\\.</span>.*0:31:40<br><span class=\"s\">1\\.</span>.*<b>1:01:40</b>", ann);
        var cy = Row(m21, "Cy Fox");
        Assert.StartsWith("<tr><td class=\"r\"></td>", cy);
        Assert.Contains("DNF", cy);
        Assert.Matches("0:28:20<br><span class=\"s\">1\\.</span>", cy);
        Assert.Contains("<th class=\"r\">Sprint</th><th class=\"r\">Long</th><th class=\"r\">Total</th>", m21);
        var jvt = await box.Http.GetStringAsync("/o/overall/teams/JVT");
        Assert.StartsWith("<tr><td class=\"r\">1</td>", Row(jvt, "Lakeside"));
        Assert.Contains(Score(Awt(3000, Awt1) + Awt(3300, Awt1) + Awt(3600, Awt1) + Awt(3200, Awt2) + Awt(3400, Awt2) + Awt(3600, Awt2)), Row(jvt, "Lakeside"));
        Assert.StartsWith("<tr><td class=\"r\">2</td>", Row(jvt, "Hilltop"));

        // Bad and missing days, as other bad input: 400 and 404 with the reason.
        Assert.Equal(HttpStatusCode.BadRequest, (await box.Http.GetAsync("/o?day=abc")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync("/o?day=3")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync("/o/classes/M21?day=3")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await box.Http.GetAsync("/o/teams/JVT?day=0")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync("/o/overall/classes/NOPE")).StatusCode);
        using var bad = await box.Http.GetAsync("/api/o/classes?day=abc");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'day' must be a whole number", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        using var missing = await box.Http.GetAsync("/api/o/classes/M21/results?day=3");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("There is no day 3 in the results.", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync("/api/o/teams/JVT/results?day=9")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync("/api/o/overall/teams/NOPE")).StatusCode);
        Assert.Equal(1, (await box.Http.GetFromJsonAsync<JsonElement>("/api/o/teams/JVT/results?day=1"))[0].GetProperty("position").GetInt32());
    }

    [Fact]
    public async Task A_restart_keeps_the_days_with_a_delta_whose_race_number_is_cut_by_a_parts_seam()
    {
        using var meet = Meet();
        var dataDir = TempDir.Create("box-days");
        // A day-2 Delta (Cy Fox finished after all, in 2100 s) whose one race number is cut in two where its text is
        // stored in parts: neither part holds "raceNumber" whole.
        const string Before = "<!--";
        var tail = "--><ClassResult><Class><Name>M21</Name><ShortName>M21</ShortName></Class>" + IofXml.PersonRaces("Cy", "Fox", "Hilltop", (2, 2100, "OK")) + "</ClassResult></ResultList>";
        var head = IofXml.DaysList("", "2026-06-07T18:30:00-07:00", "Delta").Replace("</ResultList>", "", StringComparison.Ordinal).TrimEnd() + Before;
        var delta = head + new string('x', OrienteeringImport.PartChars - 5 - head.Length - tail.IndexOf("raceNumber", StringComparison.Ordinal)) + tail;
        Assert.Equal(OrienteeringImport.PartChars - 5, delta.IndexOf("raceNumber", StringComparison.Ordinal));
        Assert.DoesNotContain("aceNumber", delta[..OrienteeringImport.PartChars], StringComparison.Ordinal);
        Assert.DoesNotContain("aceNumber", delta[OrienteeringImport.PartChars..], StringComparison.Ordinal);
        try
        {
            await using (var box = await TestBox.StartAsync(dataDir, meet.Setting))
            {
                using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
                await UploadAsync(timer, DayFile(1, Day1Time, Marked.Nothing));
                await UploadAsync(timer, DayFile(2, Day2Time, Marked.RaceNumber));
                await UploadAsync(timer, delta);
                // Day 1 corrected after day 2 was run (Bo's time): newer than the day-2 Delta, and day 1's only.
                await UploadAsync(timer, DayFile(1, "2026-06-07T19:00:00-07:00", Marked.Nothing).Replace("<Time>1750</Time>", "<Time>1760</Time>", StringComparison.Ordinal));
                await AssertAfterCorrectionsAsync(box);
            }

            await using (var box = await TestBox.StartAsync(dataDir, meet.Setting))
            {
                await AssertAfterCorrectionsAsync(box);
                var days = await box.Http.GetFromJsonAsync<JsonElement>("/api/o/days");
                Assert.Equal([(1, "Day 1"), (2, "Day 2")], Days(days));
                Assert.Contains("id=\"days\"", await box.Http.GetStringAsync("/o"));
            }
        }
        finally
        {
            TempDir.Delete(dataDir);
        }

        static async Task AssertAfterCorrectionsAsync(TestBox box)
        {
            // Ann 1800 + 1900, Bo 1760 + 2000, Cy 1700 + 2100; Di missed day 2.
            var m21 = await ResultsAsync(box, "/api/o/overall/classes/M21");
            Assert.Equal([("Ann Lee", 1, 3700.0), ("Bo Ek", 2, 3760.0), ("Cy Fox", 3, 3800.0)],
                m21.Take(3).Select(r => (r.GetProperty("name").GetString(), r.GetProperty("position").GetInt32(), r.GetProperty("total").GetDouble())));
            Assert.Equal(("Di Gu", JsonValueKind.Null), (m21[3].GetProperty("name").GetString(), m21[3].GetProperty("total").ValueKind));
            Assert.Equal(["Ann Lee", "Bo Ek", "Cy Fox"], Names(await OrienteeringBox.ResultsAsync(box, "M21")));
        }
    }

    [Fact]
    public async Task The_season_counts_an_earlier_multi_day_meet_by_its_last_day()
    {
        using var o = new OrienteeringBox();
        var dataDir = TempDir.Create("box-days-season");
        using var next = TestMeet.Create(OrienteeringBox.MeetJson.Replace("CONSOLE", ConsoleClient.MeetSection, StringComparison.Ordinal)
            .Replace("\"name\": \"WIOL #3\"", "\"id\": \"wiol-4\", \"name\": \"WIOL #4\"", StringComparison.Ordinal), []);
        try
        {
            await using (var box = await TestBox.StartAsync(dataDir, o.Meet.Setting))
            {
                using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
                // W1F (worldcup): Ann wins day 1, Bo day 2.
                await UploadAsync(timer, IofXml.DaysList(IofXml.ClassResult("W1F",
                    IofXml.PersonRaces("Ann", "Lee", "Lakeside", (1, 1800, "OK"), (2, 2000, "OK"))
                    + IofXml.PersonRaces("Bo", "Ek", "Hilltop", (1, 1900, "OK"), (2, 1950, "OK"))), Day2Time));
                var w1f = await ResultsAsync(box, "/api/o/overall/classes/W1F");
                Assert.Equal([("Ann Lee", 195.0), ("Bo Ek", 195.0)], w1f.Select(r => (r.GetProperty("name").GetString()!, r.GetProperty("total").GetDouble())).Order());
            }

            await using (var box = await TestBox.StartAsync(dataDir, next.Setting))
            {
                using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
                await UploadAsync(timer, OrienteeringBox.List("2026-06-13T12:00:00-07:00", ("Ann", "Lee", "Lakeside", 1800)));
                var series = await box.Http.GetFromJsonAsync<JsonElement>("/api/o/series");
                var standings = series.GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("key").GetString() == "W1F").GetProperty("standings");
                // The earlier meet's last day (Bo 100, Ann 95), then this one (Ann 100).
                Assert.Equal([("Ann Lee", 195.0), ("Bo Ek", 100.0)], standings.EnumerateArray().Select(r => (r.GetProperty("name").GetString()!, r.GetProperty("total").GetDouble())));
            }
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }

    /// <summary>The totals of <see cref="Runners"/> over both days, worked by hand from PROTOCOLS.md §3.</summary>
    private static async Task AssertTotalsAsync(TestBox box)
    {
        // time: the seconds summed; Cy (DNF on day 2) and Di (missed it) are not ranked.
        var m21 = await ResultsAsync(box, "/api/o/overall/classes/M21");
        Assert.Equal([("Ann Lee", 1, 1800 + 1900.0, "1:01:40"), ("Bo Ek", 2, 1750 + 2000.0, "1:02:30")],
            m21.Take(2).Select(r => (r.GetProperty("name").GetString(), r.GetProperty("position").GetInt32(), r.GetProperty("total").GetDouble(), r.GetProperty("totalTime").GetString())));
        Assert.Equal(["Cy Fox", "Di Gu"], Names(m21.Skip(2)));
        Assert.All(m21.Skip(2), r => Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (r.GetProperty("position").ValueKind, r.GetProperty("total").ValueKind)));
        var ann = m21[0].GetProperty("days");
        Assert.Equal([(1, 1800.0, true, 3, "0:30:00", "OK"), (2, 1900.0, true, 1, "0:31:40", "OK")], ann.EnumerateArray().Select(d =>
            (d.GetProperty("day").GetInt32(), d.GetProperty("score").GetDouble(), d.GetProperty("counted").GetBoolean(), d.GetProperty("position").GetInt32(), d.GetProperty("time").GetString(), d.GetProperty("status").GetString())));
        var cy2 = m21[2].GetProperty("days")[1];
        Assert.Equal((JsonValueKind.Null, false, "DNF"), (cy2.GetProperty("score").ValueKind, cy2.GetProperty("counted").GetBoolean(), cy2.GetProperty("status").GetString()));
        Assert.Equal(JsonValueKind.Null, m21[3].GetProperty("days")[1].GetProperty("status").ValueKind);
        Assert.Equal("Lakeside", m21[0].GetProperty("organisation").GetString());

        // 1000pts: round(winner / time × 1000) each day, summed. Day 1 (Eva wins in 2000): Fay 800, Gil 667; day 2 (Fay wins in 2000): Eva 833.
        var f21 = await ResultsAsync(box, "/api/o/overall/classes/F21");
        Assert.Equal([("Eva Ash", 1, 1000 + 833.0), ("Fay Oak", 2, 800 + 1000.0), ("Gil Elm", 3, 667.0)],
            f21.Select(r => (r.GetProperty("name").GetString(), r.GetProperty("position").GetInt32(), r.GetProperty("total").GetDouble())));
        Assert.Equal(JsonValueKind.Null, f21[0].GetProperty("totalTime").ValueKind);

        // awt: 60 × time / AWT each day, summed; H4 missed day 2 and is not ranked.
        var jvm = await ResultsAsync(box, "/api/o/overall/classes/JVM");
        (string Name, double Total)[] expected =
        [
            ("K1 Hill", Awt(3150, Awt1) + Awt(3000, Awt2)),
            ("H1 Lake", Awt(3000, Awt1) + Awt(3200, Awt2)),
            ("K2 Hill", Awt(3450, Awt1) + Awt(3100, Awt2)),
            ("H2 Lake", Awt(3300, Awt1) + Awt(3400, Awt2)),
            ("H3 Lake", Awt(3600, Awt1) + Awt(3600, Awt2)),
            ("K3 Hill", Awt(3900, Awt1) + NotOk(Awt2)),
        ];
        Assert.Equal(expected.Select(e => e.Name).Append("H4 Lake"), Names(jvm));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(i + 1, jvm[i].GetProperty("position").GetInt32());
            Assert.Equal(expected[i].Total, jvm[i].GetProperty("total").GetDouble(), 6);
        }

        Assert.Equal(JsonValueKind.Null, jvm[6].GetProperty("total").ValueKind);

        // awt-team: each day the team's 3 lowest awt scores; the two days summed. H4 (4th on Lakeside day 1) does not count.
        var teams = await ResultsAsync(box, "/api/o/overall/teams/JVT");
        Assert.Equal([("Lakeside", 1), ("Hilltop", 2)], teams.Select(t => (t.GetProperty("name").GetString(), t.GetProperty("position").GetInt32())));
        Assert.Equal(Awt(3000, Awt1) + Awt(3300, Awt1) + Awt(3600, Awt1) + Awt(3200, Awt2) + Awt(3400, Awt2) + Awt(3600, Awt2), teams[0].GetProperty("total").GetDouble(), 6);
        Assert.Equal(Awt(3150, Awt1) + Awt(3450, Awt1) + Awt(3900, Awt1) + Awt(3000, Awt2) + Awt(3100, Awt2) + NotOk(Awt2), teams[1].GetProperty("total").GetDouble(), 6);
        // Lakeside is first on both days (day 2: 197.42 to Hilltop's 337.10, K3's DNF counting).
        Assert.Equal([(1, 1), (2, 1)], teams[0].GetProperty("days").EnumerateArray().Select(d => (d.GetProperty("day").GetInt32(), d.GetProperty("position").GetInt32())));
        Assert.Equal([2, 2], teams[1].GetProperty("days").EnumerateArray().Select(d => d.GetProperty("position").GetInt32()));
    }

    private static TestMeet Meet() => TestMeet.Create(MeetJson.Replace("CONSOLE", ConsoleClient.MeetSection, StringComparison.Ordinal), []);

    private static async Task UploadAsync(ConsoleClient timer, string xml)
    {
        using var answer = await timer.Http.PostAsync("/api/o/results", new StringContent(xml, new MediaTypeHeaderValue("application/xml")));
        Assert.True(answer.StatusCode == HttpStatusCode.Created, $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
    }

    private static async Task<List<JsonElement>> ResultsAsync(TestBox box, string path) =>
        [.. (await box.Http.GetFromJsonAsync<JsonElement>(path)).EnumerateArray()];

    private static List<string?> Names(IEnumerable<JsonElement> rows) => [.. rows.Select(r => r.GetProperty("name").GetString())];

    private static List<(int, string?)> Days(JsonElement days) =>
        [.. days.GetProperty("days").EnumerateArray().Select(d => (d.GetProperty("number").GetInt32(), d.GetProperty("name").GetString()))];

    private static string Score(double score) => score.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>The table row of a page that names <paramref name="name"/>.</summary>
    private static string Row(string page, string name)
    {
        var at = page.IndexOf(name, StringComparison.Ordinal);
        Assert.True(at >= 0, $"{name} is not on the page");
        var start = page.LastIndexOf("<tr>", at, StringComparison.Ordinal);
        return page[start..(page.IndexOf("</tr>", at, StringComparison.Ordinal) + 5)];
    }
}
