using System.Net;
using Edge.Tests.Support;

namespace Edge.Tests.Web;

/// <summary>The finish-area screens over HTTP against a box with a race in progress.</summary>
public class DisplayTests(RaceScenario.Fixture race) : IClassFixture<RaceScenario.Fixture>
{
    private HttpClient Http => race.Box.Http;

    [Fact]
    public async Task Finish_feed_shows_the_last_finishers_newest_first_in_huge_type()
    {
        var html = await Http.GetStringAsync($"/d/{TestMeet.FinishDisplay}");
        Assert.Contains("<h1>Finish line</h1><table class=\"huge\"><thead><tr><th class=\"w10\">Bib</th><th>Runner</th><th class=\"w16 r\">Place</th><th class=\"w24 r\">Time</th>", html);
        Assert.True(PhonePageTests.Ordered(html, "105", "Annie Leeds", "0:44:53.00", "101", "Zoë Ångström", "0:42:07.43", "103", "Ann Lee", "201", "Dan Annis"), html);
        Assert.Contains("<td>Zoë Ångström <span class=\"s\">10K · 1st F 30-39</span></td><td class=\"r\">2nd</td>", html);
        // Ranked by gun time: the gun time first, labelled, then the chip time, labelled.
        Assert.Contains("<td class=\"r w24\"><span class=\"k\">Gun</span>0:42:12.14</td><td class=\"r o w16\"><span class=\"k\">Chip</span>0:42:07.43</td>", html);
    }

    [Fact]
    public async Task Displays_are_high_contrast_full_screen_and_reload_themselves_without_javascript()
    {
        foreach (var id in new[] { TestMeet.FinishDisplay, TestMeet.OnCourseDisplay, TestMeet.AnnouncerDisplay })
        {
            var html = await Http.GetStringAsync($"/d/{id}");
            Assert.Contains("html,body{margin:0;height:100%;background:#000;color:#fff", html);
            Assert.Contains("<noscript><meta http-equiv=\"refresh\" content=\"10\"></noscript>", html);
            Assert.Contains($"data-events=\"/d/{id}/events\"", html);
            Assert.Contains("new EventSource(", html);
        }
    }

    [Fact]
    public async Task Leaderboard_cycles_through_overall_gender_and_division_pages()
    {
        var first = await Http.GetStringAsync($"/d/{TestMeet.LeaderDisplay}");
        Assert.Contains("<h2>10K · overall</h2>", first);
        Assert.True(PhonePageTests.Ordered(first, ">1</td><td>Ann Lee", ">2</td><td>Zoë Ångström", ">3</td><td>Annie Leeds"), first);
        Assert.Contains("<td>Zoë Ångström <span class=\"s\">#101 Seattle, WA</span></td><td class=\"r w24\"><span class=\"k\">Gun</span>0:42:12.14</td><td class=\"r o w16\"><span class=\"k\">Chip</span>0:42:07.43</td>", first);
        Assert.Contains("data-page=\"1\" data-pages=\"3\"", first);
        Assert.Contains($"<noscript><meta http-equiv=\"refresh\" content=\"10;url=/d/{TestMeet.LeaderDisplay}?page=2\"></noscript>", first);

        var women = await Http.GetStringAsync($"/d/{TestMeet.LeaderDisplay}?page=2");
        Assert.Contains("<h2>10K · Women</h2>", women);
        var divisions = await Http.GetStringAsync($"/d/{TestMeet.LeaderDisplay}?page=3");
        Assert.True(PhonePageTests.Ordered(divisions, "<h2>10K · F 20-29</h2>", "Ann Lee", "<h2>10K · F 30-39</h2>", ">1</td><td>Zoë Ångström", ">2</td><td>Annie Leeds"), divisions);
        // The page number wraps around, so a screen left running keeps cycling.
        Assert.Contains("<h2>10K · Women</h2>", await Http.GetStringAsync($"/d/{TestMeet.LeaderDisplay}?page=5"));

        using var fragment = await Http.GetAsync($"/d/{TestMeet.LeaderDisplay}?page=2&fragment=1");
        Assert.Equal("3", fragment.Headers.GetValues("X-Pages").Single());
        Assert.StartsWith("<h1>10K leaders</h1><h2>10K · Women</h2>", await fragment.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Still_on_course_counts_started_minus_finished_minus_dnf_per_race()
    {
        var html = await Http.GetStringAsync($"/d/{TestMeet.OnCourseDisplay}");
        Assert.Contains("<p class=\"sum\"><b>10K</b> <span class=\"count\">2</span> on course, 3 finished, 0 DNF, 5 started", html);
        Assert.Contains(" · <b>5K</b> <span class=\"count\">0</span> on course, 1 finished, 0 DNF, 1 started</p>", html);
    }

    [Fact]
    public async Task Announcer_shows_who_is_coming_with_an_expected_time_and_finishers_with_hometown_and_division_place()
    {
        var html = await Http.GetStringAsync($"/d/{TestMeet.AnnouncerDisplay}");
        // José was at 5 km after 21:57 from his start (08:00:03): at that pace the finish is due at 08:43:57.
        Assert.Contains("<h2>Coming in</h2><table class=\"ann\"><tbody><tr><td class=\"r w9\">104<span class=\"k\">Bib</span></td><td>José Núñez<span class=\"l2\">Boise, ID · M 30-39</span></td>" +
            "<td class=\"r w20\">5k 08:22:00<span class=\"k\">Last seen</span></td><td class=\"r w17\">~08:43:57<span class=\"k\">Due</span></td><td class=\"r w14\">0:43:54<span class=\"k\">Est. chip</span></td></tr></tbody></table>", html);
        Assert.True(PhonePageTests.Ordered(html, "<h2>Just finished</h2>",
            "Annie Leeds<span class=\"l2\">Tacoma, WA · F 30-39</span></td><td class=\"r w30\">3rd<span class=\"k\">Place · 2nd F 30-39</span></td><td class=\"r w14\">0:45:00<span class=\"k\">Gun</span></td><td class=\"r w14\">0:44:53<span class=\"k\">Chip</span></td>",
            "Zoë Ångström<span class=\"l2\">Seattle, WA · F 30-39</span></td><td class=\"r w30\">2nd<span class=\"k\">Place · 1st F 30-39</span></td>", "Ann Lee"), html);
        Assert.DoesNotContain("Dan Annis", html);
    }

    [Fact]
    public async Task An_unknown_display_is_404()
    {
        using var response = await Http.GetAsync("/d/abcdefgh");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
