using System.Globalization;
using System.Net;
using Edge.Appliance.Meet;
using Edge.Appliance.Screens;
using Edge.Tests.Support;
using Edge.Tests.Web;

namespace Edge.Tests.Orienteering;

/// <summary>
/// The finish-area screens of an orienteering meet (<c>/d/{id}</c> with the layouts <c>orienteering</c> and
/// <c>radio</c>) against a real box whose inbox takes the exports.
/// </summary>
public class OrienteeringDisplayTests
{
    internal const string ResultsDisplay = "oresults01";
    internal const string RadioDisplay = "oradio0001";

    private const string MeetJson = """
        {
          "event": { "name": "WIOL #3", "date": "2026-05-02", "timeZone": "America/Los_Angeles" },
          CONSOLE
          "displays": [
            { "id": "oresults01", "kind": "orienteering", "title": "Results" },
            { "id": "oradio0001", "kind": "radio", "title": "Radio" }
          ],
          "orienteering": {
            "classes": { "W1F": { "scoring": "worldcup" } },
            "teams": [ { "id": "W2T", "name": "Middle School Teams", "classes": ["W1F"], "scoring": "wiol-team", "best": 3 } ]
          }
        }
        """;

    /// <summary>
    /// W1F (worldcup): Ann 1,500 s; Bea and Cat tied at 1,600 s; Dee mispunched; Eve not started. M1F (time): twelve
    /// runners, 2,000 s, 2,010 s, ... W2T: Club A's Ann (100) + Cat (95) = 195, Club B's Bea 95, Club C's Dee nothing.
    /// </summary>
    private static readonly string Results = IofXml.List(
        IofXml.ClassResult("W1F",
            IofXml.Person("Ann", "Able", "Club A", 1500) + IofXml.Person("Bea", "Best", "Club B", 1600) + IofXml.Person("Cat", "Cole", "Club A", 1600)
            + IofXml.Person("Dee", "Dunn", "Club C", 1400, "MissingPunch") + IofXml.Person("Eve", "Ensign", "Club C", null, "Inactive"))
        + IofXml.ClassResult("M1F", string.Concat(Enumerable.Range(1, 12).Select(i => IofXml.Person($"Runner{i}", "Moss", "Club M", 2000 + 10 * (i - 1))))));

    internal static TestMeet Meet() =>
        TestMeet.Create(MeetJson.Replace("CONSOLE", ConsoleClient.MeetSection, StringComparison.Ordinal), []);

    [Fact]
    public async Task The_results_screen_cycles_through_every_class_in_pages_then_the_team_classes()
    {
        using var o = new OrienteeringBox();
        using var meet = Meet();
        await using var box = await TestBox.StartAsync(null, [meet.Setting, .. o.Settings()[1..]]);
        var waiting = await box.Http.GetStringAsync($"/d/{ResultsDisplay}");
        Assert.Contains("<h1>Results</h1><p class=\"none\">Waiting for the first results export…</p>", waiting);

        o.Drop("results.xml", Results);
        await OrienteeringBox.WaitAsync(box, c => OrienteeringBox.HasClass(c, "M1F"), "the export");

        using var first = await box.Http.GetAsync($"/d/{ResultsDisplay}?page=1&fragment=1");
        Assert.Equal("4", first.Headers.GetValues("X-Pages").Single());
        var w1f = await first.Content.ReadAsStringAsync();
        Assert.StartsWith("<h1>Results</h1><h2>W1F</h2><table class=\"board\"><tbody>", w1f, StringComparison.Ordinal);
        Assert.Contains("<tr><td class=\"r w7\">1</td><td>Ann Able <span class=\"s\">Club A</span></td><td class=\"r w20\">0:25:00</td><td class=\"r o w16\"></td><td class=\"r w14\">100<span class=\"k\">Pts</span></td></tr>", w1f);
        // Tied on time: both second, both 95 points, both 1:40 behind.
        Assert.Contains("<tr><td class=\"r w7\">2</td><td>Bea Best <span class=\"s\">Club B</span></td><td class=\"r w20\">0:26:40</td><td class=\"r o w16\">+1:40</td><td class=\"r w14\">95<span class=\"k\">Pts</span></td></tr>", w1f);
        Assert.Contains("<tr><td class=\"r w7\">2</td><td>Cat Cole <span class=\"s\">Club A</span></td>", w1f);
        Assert.Contains("<tr><td class=\"r w7\"></td><td>Dee Dunn <span class=\"s\">Club C</span></td><td class=\"r w20\">MP</td><td class=\"r o w16\"></td><td class=\"r w14\">0<span class=\"k\">Pts</span></td></tr>", w1f);
        Assert.DoesNotContain("Eve Ensign", w1f);
        Assert.EndsWith("<p class=\"lbl\">1 / 4</p>", w1f, StringComparison.Ordinal);

        // A class scored by time has no score column; twelve runners make two pages of ten.
        var m1 = await box.Http.GetStringAsync($"/d/{ResultsDisplay}?page=2&fragment=1");
        Assert.Contains("<h2>M1F · 1–10</h2>", m1);
        Assert.Contains("<tr><td class=\"r w7\">10</td><td>Runner10 Moss <span class=\"s\">Club M</span></td><td class=\"r w20\">0:34:50</td><td class=\"r o w16\">+1:30</td></tr>", m1);
        Assert.DoesNotContain("Runner11", m1);
        var m2 = await box.Http.GetStringAsync($"/d/{ResultsDisplay}?page=3&fragment=1");
        Assert.True(PhonePageTests.Ordered(m2, "<h2>M1F · 11–12</h2>", ">11</td><td>Runner11 Moss", ">12</td><td>Runner12 Moss"), m2);
        var teams = await box.Http.GetStringAsync($"/d/{ResultsDisplay}?page=4&fragment=1");
        Assert.True(PhonePageTests.Ordered(teams, "<h2>Middle School Teams</h2>",
            "<td class=\"r w7\">1</td><td>Club A <span class=\"s\">Ann Able, Cat Cole</span></td><td class=\"r w16\">195</td>",
            "<td class=\"r w7\">2</td><td>Club B <span class=\"s\">Bea Best</span></td><td class=\"r w16\">95</td>"), teams);
        // The page number wraps around, and ?race= narrows the screen to one class.
        Assert.Contains("<h2>W1F</h2>", await box.Http.GetStringAsync($"/d/{ResultsDisplay}?page=5&fragment=1"));
        using var narrowed = await box.Http.GetAsync($"/d/{ResultsDisplay}?race=m1f&fragment=1");
        Assert.Equal("2", narrowed.Headers.GetValues("X-Pages").Single());
        Assert.Contains("<h2>M1F · 1–10</h2>", await narrowed.Content.ReadAsStringAsync());

        // The whole page reloads itself onto the next page without JavaScript, and has the screens' stream.
        var page = await box.Http.GetStringAsync($"/d/{ResultsDisplay}");
        Assert.Contains($"<noscript><meta http-equiv=\"refresh\" content=\"10;url=/d/{ResultsDisplay}?page=2\"></noscript>", page);
        Assert.Contains($"data-events=\"/d/{ResultsDisplay}/events\" data-page=\"1\" data-pages=\"4\"", page);
    }

    [Fact]
    public async Task The_timer_picks_the_classes_a_screen_shows_from_those_in_the_results()
    {
        using var o = new OrienteeringBox();
        using var meet = Meet();
        await using var box = await TestBox.StartAsync(null, [meet.Setting, .. o.Settings()[1..]]);
        o.Drop("results.xml", Results);
        await OrienteeringBox.WaitAsync(box, c => OrienteeringBox.HasClass(c, "M1F"), "the export");
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);

        var console = await timer.PageAsync("/admin/screens");
        Assert.Contains("<option value=\"orienteering\">orienteering</option><option value=\"radio\">radio</option>", console);
        foreach (var key in new[] { "W1F", "M1F", "W2T" })
        {
            Assert.Contains($"<label><input type=\"checkbox\" name=\"races\" value=\"{key}\"> {key}</label>", console);
        }

        await Edge.Tests.Screens.ScreenSupport.SaveTemplateAsync(timer, """{ "id": "t-men", "name": "Men", "layout": "orienteering", "races": ["M1F"], "rowsPerPage": 6 }""");
        var id = await Edge.Tests.Screens.ScreenSupport.CreateDisplayAsync(timer, "Men's board", "t-men");
        using var first = await box.Http.GetAsync($"/d/{id}?page=1&fragment=1");
        Assert.Equal("2", first.Headers.GetValues("X-Pages").Single());
        var html = await first.Content.ReadAsStringAsync();
        Assert.StartsWith("<h1>Men</h1><h2>M1F · 1–6</h2>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("W1F", html);
        Assert.Contains("<h2>M1F · 7–12</h2>", await box.Http.GetStringAsync($"/d/{id}?page=2&fragment=1"));
    }

    [Fact]
    public async Task An_open_screen_is_sent_the_new_results_when_an_export_lands()
    {
        using var o = new OrienteeringBox();
        using var meet = Meet();
        await using var box = await TestBox.StartAsync(null, [meet.Setting, .. o.Settings()[1..]]);
        using var screen = await SseReader.OpenAsync(box.Http, $"/d/{ResultsDisplay}/events");
        var first = await screen.WaitForAsync(e => e.Event == "screen", TimeSpan.FromSeconds(10));
        Assert.Contains("Waiting for the first results export", first.Data, StringComparison.Ordinal);

        o.Drop("results.xml", Results);
        var changed = await screen.WaitForAsync(e => e.Event == "screen", TimeSpan.FromSeconds(10));
        Assert.Contains("<h2>W1F</h2>", changed.Data, StringComparison.Ordinal);
        Assert.Contains("Ann Able", changed.Data, StringComparison.Ordinal);

        // A newer export with Bea faster: the screen is told again.
        o.Drop("results.xml", Results.Replace("<Time>1600</Time>", "<Time>1450</Time>", StringComparison.Ordinal)
            .Replace("createTime=\"2026-05-02T12:00:00-07:00\"", "createTime=\"2026-05-02T12:01:00-07:00\"", StringComparison.Ordinal));
        var again = await screen.WaitForAsync(e => e.Event == "screen" && e.Data.Contains(">1</td><td>Bea Best", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Contains(">3</td><td>Ann Able", again.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_multi_day_meet_the_results_screen_shows_the_current_day_then_the_totals()
    {
        // W1F (worldcup): day 1 Ann 100, Bea 95, Cat 92; day 2 Bea 100, Ann 95 (Cat did not run). Totals: Ann and Bea
        // 195 (tied, both first), Cat 92. W2T: Club A 100 + 92 then 95 = 287, Club B 95 then 100 = 195.
        var both = IofXml.DaysList(IofXml.ClassResult("W1F",
            IofXml.PersonRaces("Ann", "Able", "Club A", (1, 1500, "OK"), (2, 1600, "OK"))
            + IofXml.PersonRaces("Bea", "Best", "Club B", (1, 1600, "OK"), (2, 1400, "OK"))
            + IofXml.PersonRaces("Cat", "Cole", "Club A", (1, 1700, "OK"))), "2026-06-07T15:00:00-07:00", "Complete", (1, "Sprint"), (2, "Long"));
        using var o = new OrienteeringBox();
        using var meet = Meet();
        await using var box = await TestBox.StartAsync(null, [meet.Setting, .. o.Settings()[1..]]);
        o.Drop("days.xml", both);
        await OrienteeringBox.WaitAsync(box, c => OrienteeringBox.HasClass(c, "W1F"), "the export");

        using var first = await box.Http.GetAsync($"/d/{ResultsDisplay}?page=1&fragment=1");
        Assert.Equal("4", first.Headers.GetValues("X-Pages").Single());
        var today = await first.Content.ReadAsStringAsync();
        Assert.True(PhonePageTests.Ordered(today, "<h2>W1F · Long</h2>", ">1</td><td>Bea Best", ">2</td><td>Ann Able"), today);
        Assert.DoesNotContain("Cat Cole", today);
        Assert.Contains("<h2>Middle School Teams · Long</h2>", await box.Http.GetStringAsync($"/d/{ResultsDisplay}?page=2&fragment=1"));
        var totals = await box.Http.GetStringAsync($"/d/{ResultsDisplay}?page=3&fragment=1");
        Assert.True(PhonePageTests.Ordered(totals, "<h2>W1F · overall</h2>",
            "<tr><td class=\"r w7\">1</td><td>Ann Able <span class=\"s\">Club A</span></td><td class=\"r w20\">195</td></tr>",
            "<tr><td class=\"r w7\">1</td><td>Bea Best <span class=\"s\">Club B</span></td><td class=\"r w20\">195</td></tr>",
            "<tr><td class=\"r w7\">3</td><td>Cat Cole <span class=\"s\">Club A</span></td><td class=\"r w20\">92</td></tr>"), totals);
        var teams = await box.Http.GetStringAsync($"/d/{ResultsDisplay}?page=4&fragment=1");
        Assert.True(PhonePageTests.Ordered(teams, "<h2>Middle School Teams · overall</h2>",
            "<tr><td class=\"r w7\">1</td><td>Club A</td><td class=\"r w20\">287</td></tr>",
            "<tr><td class=\"r w7\">2</td><td>Club B</td><td class=\"r w20\">195</td></tr>"), teams);
    }

    /// <summary>
    /// M21 on the course: R1 passed 32 at 10:11:40 (700 s), R2 passed 31 at 10:09:40 (280 s), R3 passed 32 at 10:12:50
    /// (650 s), R4 not started. Finished: F1 at 10:06:40 (1,000 s, by the file's finish time), F2 at 10:13:20 (1,100 s,
    /// start plus time: MeOS's lists carry no finish time), F3 mispunched at 09:55:00. At 32: F1 600, F2 640, R3 650, R1
    /// 700; at 31: F1 250, F2 260, F3 270, R2 280, R1 300, R3 320.
    /// </summary>
    private static readonly string Radio = IofXml.List(IofXml.ClassResult("M21",
        Runner("R1", "Active", "10:00:00", null, null, ("31", 300), ("32", 700))
        + Runner("R2", "Active", "10:05:00", null, null, ("31", 280))
        + Runner("R3", "Active", "10:02:00", null, null, ("31", 320), ("32", 650))
        + Runner("R4", "Inactive", null, null, null)
        + Runner("F1", "OK", "09:50:00", 1000, "10:06:40", ("31", 250), ("32", 600))
        + Runner("F2", "OK", "09:55:00", 1100, null, ("31", 260), ("32", 640))
        + Runner("F3", "MissingPunch", "09:40:00", 900, null, ("31", 270))));

    [Fact]
    public async Task The_radio_screen_shows_the_latest_passings_with_their_place_at_the_control_and_the_last_finishers()
    {
        using var o = new OrienteeringBox();
        using var meet = Meet();
        await using var box = await TestBox.StartAsync(null, [meet.Setting, .. o.Settings()[1..]]);
        o.Drop("radio.xml", Radio);
        await OrienteeringBox.WaitAsync(box, c => OrienteeringBox.HasClass(c, "M21"), "the export");

        var html = await box.Http.GetStringAsync($"/d/{RadioDisplay}");
        Assert.Contains("<div class=\"top\"><h1>Radio</h1><div class=\"clock\"><span class=\"k\">Time</span><span id=\"clock\" data-at=\"", html);
        Assert.True(PhonePageTests.Ordered(html, "<h2>At the radio controls</h2>",
            "<tr><td>R3 Runner<span class=\"l2\">M21 · Club R</span></td><td class=\"r w20\">32 10:12:50<span class=\"k\">Control</span></td><td class=\"r w14\">0:10:50<span class=\"k\">Time there</span></td><td class=\"r w17\">3rd<span class=\"k\">+0:50</span></td></tr>",
            "<td>R1 Runner<span class=\"l2\">M21 · Club R</span></td><td class=\"r w20\">32 10:11:40<span class=\"k\">Control</span></td><td class=\"r w14\">0:11:40<span class=\"k\">Time there</span></td><td class=\"r w17\">4th<span class=\"k\">+1:40</span></td>",
            "<td>R2 Runner<span class=\"l2\">M21 · Club R</span></td><td class=\"r w20\">31 10:09:40<span class=\"k\">Control</span></td><td class=\"r w14\">0:04:40<span class=\"k\">Time there</span></td><td class=\"r w17\">4th<span class=\"k\">+0:30</span></td>",
            "<h2>Just finished</h2>",
            "<tr><td>F2 Runner<span class=\"l2\">M21 · Club R</span></td><td class=\"r w17\">2nd<span class=\"k\">Place</span></td><td class=\"r w14\">0:18:20<span class=\"k\">Time 10:13:20</span></td><td class=\"r w14\">+1:40<span class=\"k\">Behind</span></td></tr>",
            "<td>F1 Runner<span class=\"l2\">M21 · Club R</span></td><td class=\"r w17\">1st<span class=\"k\">Place</span></td><td class=\"r w14\">0:16:40<span class=\"k\">Time 10:06:40</span></td>",
            "<td>F3 Runner<span class=\"l2\">M21 · Club R</span></td><td class=\"r w17\">MP<span class=\"k\">Place</span></td>"), html);
        Assert.DoesNotContain("R4 Runner", html);
    }

    [Fact]
    public async Task The_radio_screen_of_a_meet_without_passings_says_so()
    {
        using var o = new OrienteeringBox();
        using var meet = Meet();
        await using var box = await TestBox.StartAsync(null, [meet.Setting, .. o.Settings()[1..]]);
        var html = await box.Http.GetStringAsync($"/d/{RadioDisplay}?fragment=1");
        Assert.Contains("<p class=\"none\">No radio punches from runners out on the course.</p>", html);
        Assert.Contains("<p class=\"none\">Nobody has finished yet.</p>", html);
        using var unknown = await box.Http.GetAsync("/d/nosuchdisplay1");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public void A_template_names_orienteering_classes_by_their_keys_and_a_race_template_still_takes_only_race_ids()
    {
        var t = ScreenJson.ReadTemplate("""{ "id": "t1", "name": "Elite", "layout": "orienteering", "races": ["H21 Elite", "W2T"] }""");
        Assert.NotNull(t);
        Assert.Equal(ScreenLayout.Orienteering, t.Layout);
        Assert.Equal(["H21 Elite", "W2T"], t.Races);
        Assert.True(t.ShowsOrienteering);
        Assert.Equal(ScreenLayout.Radio, ScreenJson.ReadTemplate("""{ "id": "t2", "name": "Radio", "layout": "radio" }""")!.Layout);
        var refused = Assert.Throws<ScreenDesignException>(() => ScreenJson.ReadTemplate("""{ "id": "t3", "name": "Finish", "layout": "finish", "races": ["H21 Elite"] }"""));
        Assert.Equal("A race is named by its id from meet.json.", refused.Message);
        refused = Assert.Throws<ScreenDesignException>(() => ScreenJson.ReadTemplate("""{ "id": "t4", "name": "Elite", "layout": "orienteering", "races": [" H21"] }"""));
        Assert.Equal("A class is named by its short name or name, up to 64 characters.", refused.Message);
    }

    [Fact]
    public void Meet_json_orienteering_screens_take_no_race()
    {
        using var meet = TestMeet.Create("""
            {
              "event": { "name": "WIOL #3" },
              "displays": [ { "id": "oresults01", "kind": "radio", "race": "10k" } ]
            }
            """, []);
        var message = Assert.Throws<MeetException>(() => MeetLoader.Load(meet.Path)).Message;
        Assert.Contains("displays[0].race", message, StringComparison.Ordinal);
        Assert.Contains("an orienteering screen shows every class", message, StringComparison.Ordinal);
    }

    /// <summary>A PersonResult in Club R with the start, finish and radio split times given (clock times on 2026-05-02 at -07:00).</summary>
    internal static string Runner(string given, string status, string? start, double? time, string? finish, params (string Code, double Time)[] splits)
    {
        var result = new System.Text.StringBuilder("<Result>");
        if (start is not null)
        {
            result.Append(CultureInfo.InvariantCulture, $"<StartTime>2026-05-02T{start}-07:00</StartTime>");
        }

        if (finish is not null)
        {
            result.Append(CultureInfo.InvariantCulture, $"<FinishTime>2026-05-02T{finish}-07:00</FinishTime>");
        }

        if (time is not null)
        {
            result.Append(CultureInfo.InvariantCulture, $"<Time>{time}</Time>");
        }

        result.Append(CultureInfo.InvariantCulture, $"<Status>{status}</Status>");
        foreach (var (code, t) in splits)
        {
            result.Append(CultureInfo.InvariantCulture, $"<SplitTime><ControlCode>{code}</ControlCode><Time>{t}</Time></SplitTime>");
        }

        return $"""
                <PersonResult>
                  <Person><Id>{given}</Id><Name><Family>Runner</Family><Given>{given}</Given></Name></Person>
                  <Organisation><Name>Club R</Name></Organisation>
                  {result}</Result>
                </PersonResult>
            """;
    }
}
