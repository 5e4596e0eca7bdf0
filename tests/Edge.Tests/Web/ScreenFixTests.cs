using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Edge.Appliance.Meet;
using Edge.Appliance.Web;
using Edge.Tests.Support;

namespace Edge.Tests.Web;

/// <summary>
/// What the screens show over HTTP: the on-course list a sweep works from, the ranking time first on the displays,
/// the announcer's clock and roster note, the Wi-Fi sign's address, the sign-in window note only in that window.
/// </summary>
public class ScreenFixTests(RaceScenario.Fixture race) : IClassFixture<RaceScenario.Fixture>
{
    private HttpClient Http => race.Box.Http;

    [Fact]
    public async Task On_course_lists_each_runner_still_out_with_where_and_when_last_seen_and_the_expected_finish()
    {
        var html = await Http.GetStringAsync($"/d/{TestMeet.OnCourseDisplay}");
        Assert.Contains("<h1>On course <span class=\"s\">Still out there</span></h1>", html);
        // José was seen at 5 km and is due at 08:43:57; 102 was seen only at the start, so nothing is expected yet.
        Assert.True(PhonePageTests.Ordered(html,
            "<tr><td class=\"r\">104</td><td>José Núñez <span class=\"s\">10K</span></td><td>5k <span class=\"s\">08:22:00</span></td><td class=\"r\">~08:43:57</td></tr>",
            "<tr><td class=\"r\">102</td><td>&lt;script&gt;alert(1)&lt;/script&gt; Smith <span class=\"s\">10K</span></td><td>Start <span class=\"s\">08:00:06</span></td><td class=\"r\">–</td></tr>",
            "<p class=\"lbl\">1 / 1 · 2 on course</p>"), html);
        Assert.DoesNotContain("Ann Lee", html);
        Assert.DoesNotContain("Cara Diaz", html);
    }

    [Fact]
    public async Task On_course_filters_by_race_and_follows_that_race_only()
    {
        var tenK = await Http.GetStringAsync($"/d/{TestMeet.OnCourseDisplay}?race=10k");
        Assert.Contains("<h1>On course · 10K</h1>", tenK);
        Assert.Contains($"data-events=\"/d/{TestMeet.OnCourseDisplay}/events?race=10k\"", tenK);
        Assert.DoesNotContain("<b>5K</b>", tenK);
        Assert.Contains("José Núñez", tenK);

        var fiveK = await Http.GetStringAsync($"/d/{TestMeet.OnCourseDisplay}?race=5k&fragment=1");
        Assert.StartsWith("<h1>On course · 5K</h1>", fiveK);
        Assert.Contains("<p class=\"none\">Nobody is out on the course.</p>", fiveK);
        Assert.DoesNotContain("José", fiveK);

        using var unknown = await Http.GetAsync($"/d/{TestMeet.OnCourseDisplay}?race=marathon");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        // The leaderboard shows the 10K only: another race is not one of its own.
        using var other = await Http.GetAsync($"/d/{TestMeet.LeaderDisplay}?race=5k");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task A_long_on_course_list_cycles_its_pages_with_and_without_javascript()
    {
        var roster = TestMeet.SmallRoster.Concat(Enumerable.Range(1, 15).Select(i => (string[])[$"3{i:00}", "Runner", $"N{i}", "F", "30", "10k", "Bend", "OR", ""]));
        using var meet = TestMeet.Standard(roster);
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var feed = await TimingFeed.ConnectAsync(box.TimingPort);
        await feed.GunAsync();
        await feed.ReadsAsync([.. Enumerable.Range(1, 15).Select(i => ("start", $"3{i:00}", $"08:00:{i:00}.00"))]);
        await box.WaitForResultsAsync(s => s.Race("10k") is { Counts.Started: 15 }, "15 starters");

        var first = await box.Http.GetStringAsync($"/d/{TestMeet.OnCourseDisplay}");
        Assert.Contains("data-page=\"1\" data-pages=\"2\"", first);
        Assert.Contains($"<noscript><meta http-equiv=\"refresh\" content=\"10;url=/d/{TestMeet.OnCourseDisplay}?page=2\"></noscript>", first);
        Assert.Equal(Displays.OnCourseRows, first.Split("<tr><td class=\"r\">").Length - 1);
        Assert.Contains("<p class=\"lbl\">1 / 2 · 15 on course</p>", first);
        var second = await box.Http.GetStringAsync($"/d/{TestMeet.OnCourseDisplay}?page=2");
        Assert.Equal(15 - Displays.OnCourseRows, second.Split("<tr><td class=\"r\">").Length - 1);
        Assert.Contains($"content=\"10;url=/d/{TestMeet.OnCourseDisplay}?page=1\"", second);
        // Longest unseen first among runners seen only at the start: 301 started first.
        Assert.Contains("<tr><td class=\"r\">301</td>", first);
        Assert.Contains("<tr><td class=\"r\">315</td>", second);
    }

    [Fact]
    public async Task A_chip_ranked_race_puts_the_chip_time_first_on_the_displays()
    {
        var json = TestMeet.StandardJson().Replace("\"distanceKm\": 10, \"gun\"", "\"distanceKm\": 10, \"rankBy\": \"chip\", \"gun\"", StringComparison.Ordinal);
        Assert.Contains("\"rankBy\": \"chip\"", json);
        using var meet = TestMeet.Create(json, TestMeet.SmallRoster);
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var feed = await RaceScenario.FeedAsync(box);

        var leaders = await box.Http.GetStringAsync($"/d/{TestMeet.LeaderDisplay}");
        Assert.Contains("<td>Zoë Ångström <span class=\"s\">#101 Seattle, WA</span></td><td class=\"r w24\"><span class=\"k\">Chip</span>0:42:07.43</td><td class=\"r o w16\"><span class=\"k\">Gun</span>0:42:12.14</td>", leaders);
        var finish = await box.Http.GetStringAsync($"/d/{TestMeet.FinishDisplay}");
        Assert.Contains("<td class=\"r w24\"><span class=\"k\">Chip</span>0:42:07.43</td><td class=\"r o w16\"><span class=\"k\">Gun</span>0:42:12.14</td>", finish);
        // The 5K is still ranked by gun time: each row follows its own race.
        Assert.Contains("<td class=\"r w24\"><span class=\"k\">Gun</span>0:25:00.00</td><td class=\"r o w16\"><span class=\"k\">Chip</span>0:24:58.00</td>", finish);
        var announcer = await box.Http.GetStringAsync($"/d/{TestMeet.AnnouncerDisplay}");
        Assert.Contains("<td class=\"r w14\">0:42:07<span class=\"k\">Chip</span></td><td class=\"r w14\">0:42:12<span class=\"k\">Gun</span></td>", announcer);
    }

    [Fact]
    public async Task The_announcer_shows_the_roster_note_and_a_clock_on_the_box_time()
    {
        using var meet = TestMeet.Standard();
        var csv = File.ReadAllLines(Path.Combine(meet.Path, "participants.csv"));
        csv[0] += ",note";
        for (var i = 1; i < csv.Length; i++)
        {
            csv[i] += csv[i].StartsWith("104,", StringComparison.Ordinal) ? ",First marathon <3" : csv[i].StartsWith("105,", StringComparison.Ordinal) ? ",\"Birthday today, 31\"" : ",";
        }

        await File.WriteAllLinesAsync(Path.Combine(meet.Path, "participants.csv"), csv);
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var feed = await RaceScenario.FeedAsync(box);

        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var html = await box.Http.GetStringAsync($"/d/{TestMeet.AnnouncerDisplay}");
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Contains("<td>José Núñez<span class=\"l2\">Boise, ID · M 30-39<span class=\"s note\"> · First marathon &lt;3</span></span></td>", html);
        Assert.Contains("<td>Annie Leeds<span class=\"l2\">Tacoma, WA · F 30-39<span class=\"s note\"> · Birthday today, 31</span></span></td>", html);
        Assert.Contains("<td>Ann Lee<span class=\"l2\">Portland, OR · F 20-29</span></td>", html);

        // The clock: the box's time when the page was made (the meet is in UTC), in large type at the top.
        var at = long.Parse(Between(html, "<span id=\"clock\" data-at=\"", "\""), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(at, before, after);
        Assert.Contains($"data-offset=\"0\">{DateTimeOffset.FromUnixTimeMilliseconds(at):HH:mm:ss}</span></div></div>", html);
        Assert.StartsWith("<div class=\"top\"><h1>Announcer</h1><div class=\"clock\"><span class=\"k\">Time</span><span id=\"clock\"", Between(html, $"data-events=\"/d/{TestMeet.AnnouncerDisplay}/events\">", "\u0000"));
        await Task.Delay(1100);
        // A fragment is shared by every announcer screen: the clock's time comes with each answer, not in the markup.
        using var later = await box.Http.GetAsync($"/d/{TestMeet.AnnouncerDisplay}?fragment=1");
        Assert.DoesNotContain("data-at=", await later.Content.ReadAsStringAsync());
        Assert.True(long.Parse(later.Headers.GetValues("X-Now").Single(), System.Globalization.CultureInfo.InvariantCulture) >= at + 1000, "the clock's time came from an old answer");
    }

    [Fact]
    public void The_note_column_is_optional_in_the_roster()
    {
        using var meet = TestMeet.Standard();
        Assert.All(MeetLoader.Load(meet.Path).Participants, p => Assert.Equal("", p.Note));
        File.WriteAllText(Path.Combine(meet.Path, "participants.csv"), "bib,first_name,last_name,gender,age,race,Note\n1,A,B,F,30,10k,  Third Lakeside in a row  \n2,C,D,M,40,5k,\n");
        var participants = MeetLoader.Load(meet.Path).Participants;
        Assert.Equal(["Third Lakeside in a row", ""], participants.Select(p => p.Note));
    }

    [Fact]
    public async Task Display_subtitles_are_not_underlined_and_displays_carry_no_style_attributes()
    {
        Assert.DoesNotContain("underline", Layout.DisplayStyle);
        foreach (var id in new[] { TestMeet.FinishDisplay, TestMeet.LeaderDisplay, TestMeet.OnCourseDisplay, TestMeet.AnnouncerDisplay })
        {
            var html = await Http.GetStringAsync($"/d/{id}");
            Assert.DoesNotContain(" style=", html);
            Assert.Contains($"<style>{Layout.DisplayStyle}</style>", html.Replace("&quot;", "\"", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_sign_in_window_note_is_on_every_page_but_shown_only_under_the_captive_portal_marker()
    {
        using var first = await Http.GetAsync("/");
        var html = await first.Content.ReadAsStringAsync();
        Assert.Contains("<body><span id=\"wifi-window\"></span><header>", html);
        Assert.Contains(".portal{display:none}#wifi-window:target~footer .portal{display:block}", Layout.PhoneStyle);
        Assert.Contains("<p class=\"note portal\">In the Wi-Fi sign-in window?", html);

        // One page for everyone: the marker is a fragment, which never reaches the box, so the page stays cached.
        using var again = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { { "If-None-Match", first.Headers.ETag!.ToString() } } };
        using var revalidated = await Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);

        Assert.Equal("http://10.42.0.1/#wifi-window", BoxAddress.InPortal("http://10.42.0.1/"));
        Assert.Equal("http://10.42.0.1/#wifi-window", BoxAddress.InPortal("http://10.42.0.1/#results"));
    }

    [Fact]
    public async Task The_sign_prints_the_port_the_box_took_the_request_on_not_the_one_the_request_named()
    {
        using var meet = TestMeet.Standard(wifi: false);
        await using var box = await TestBox.StartAsync(null, meet.Setting, "--Web:HostNames=results.lan");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sign") { Headers = { Host = "results.lan:8080" } };
        using var response = await box.Http.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"<p class=\"v a\"><span>http://</span><wbr><span>results.lan</span><wbr><span>:{box.Http.BaseAddress!.Port}</span><wbr><span>/</span></p>", html);
        Assert.DoesNotContain("8080", html);
    }

    [Fact]
    public async Task A_sign_opened_on_a_box_serving_only_itself_says_so_instead_of_printing_loopback()
    {
        using var meet = TestMeet.Standard(wifi: false);
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        var html = await box.Http.GetStringAsync("/sign");
        Assert.Contains($"<p class=\"none\">{Html.Encode(WifiSign.NoAddress)}</p>", html);
        Assert.DoesNotContain("127.0.0.1", html);
        Assert.DoesNotContain("results.png", html);
        using var code = await box.Http.GetAsync("/sign/results.png");
        Assert.Equal(HttpStatusCode.NotFound, code.StatusCode);
    }

    [Fact]
    public async Task A_sign_opened_on_the_box_itself_prints_the_address_phones_use()
    {
        using var meet = TestMeet.Standard(wifi: false);
        await using var box = await TestBox.StartAsync(null, meet.Setting, "--urls=http://0.0.0.0:0");
        var port = box.Http.BaseAddress!.Port;
        using var local = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var html = await local.GetStringAsync("/sign");
        Assert.DoesNotContain("127.0.0.1", html);
        Assert.DoesNotContain("localhost", html);
        var own = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .ToList();
        if (own.Count == 0)
        {
            Assert.Contains(Html.Encode(WifiSign.NoAddress), html);
            return;
        }

        var printed = Between(html, "<p class=\"v a\"><span>http://</span><wbr><span>", "</span>");
        Assert.Contains(IPAddress.Parse(printed), own);
        Assert.Contains($"<span>{printed}</span><wbr><span>:{port}</span><wbr><span>/</span></p>", html);
    }

    [Fact]
    public void The_box_address_for_phones_is_ipv4_on_the_hotspot_first_never_loopback_or_link_local()
    {
        (string, bool, IPAddress)[] interfaces =
        [
            ("lo", false, IPAddress.Loopback),
            ("eth0", false, IPAddress.Parse("169.254.10.2")),
            ("eth0", false, IPAddress.Parse("fd00::2")),
            ("eth0", false, IPAddress.Parse("192.168.1.20")),
            ("wlan0", false, IPAddress.Parse("10.42.0.1")),
        ];
        Assert.Equal(IPAddress.Parse("10.42.0.1"), BoxAddress.InterfaceAddress(interfaces));
        Assert.Equal(IPAddress.Parse("192.168.1.20"), BoxAddress.InterfaceAddress(interfaces[..4]));
        Assert.Null(BoxAddress.InterfaceAddress(interfaces[..3]));
        Assert.Equal(IPAddress.Parse("172.16.0.9"), BoxAddress.InterfaceAddress([("eth0", false, IPAddress.Parse("192.168.1.20")), ("hotspot", true, IPAddress.Parse("172.16.0.9"))]));
    }

    [Theory]
    [InlineData("http://10.42.0.1/", "<span>http://</span><wbr><span>10.42.0.1</span><wbr><span>/</span>")]
    [InlineData("http://192.168.100.200:8080/", "<span>http://</span><wbr><span>192.168.100.200</span><wbr><span>:8080</span><wbr><span>/</span>")]
    [InlineData("http://[fd00::1]:8080/results", "<span>http://</span><wbr><span>[fd00::1]</span><wbr><span>:8080</span><wbr><span>/results</span>")]
    [InlineData("https://results.example.org", "<span>https://</span><wbr><span>results.example.org</span>")]
    public void An_address_breaks_only_between_its_parts(string url, string expected)
    {
        var html = new Html();
        WifiSign.Address(html, url);
        Assert.Equal(expected, html.ToString());
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"'{start}' not found");
        from += start.Length;
        var to = text.IndexOf(end, from, StringComparison.Ordinal);
        return to < 0 ? text[from..] : text[from..to];
    }
}
