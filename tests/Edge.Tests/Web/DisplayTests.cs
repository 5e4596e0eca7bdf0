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
        Assert.Contains("<h1>Finish line</h1><table class=\"huge\">", html);
        Assert.True(PhonePageTests.Ordered(html, "105", "Annie Leeds", "0:44:53.00", "101", "Zoë Ångström", "0:42:07.43", "103", "Ann Lee", "201", "Dan Annis"), html);
        Assert.Contains("10K · 2nd · 1st F 30-39", html);
    }

    [Fact]
    public async Task Displays_are_high_contrast_full_screen_and_reload_themselves_without_javascript()
    {
        foreach (var id in new[] { TestMeet.FinishDisplay, TestMeet.OnCourseDisplay, TestMeet.AnnouncerDisplay })
        {
            var html = await Http.GetStringAsync($"/d/{id}");
            Assert.Contains("html,body{margin:0;height:100%;background:#000;color:#fff", html);
            Assert.Contains("<noscript><meta http-equiv=\"refresh\" content=\"10\"></noscript>", html);
            Assert.Contains("data-poll=\"1\"", html);
            Assert.Contains("new EventSource(", html);
        }
    }

    [Fact]
    public async Task Leaderboard_cycles_through_overall_gender_and_division_pages()
    {
        var first = await Http.GetStringAsync($"/d/{TestMeet.LeaderDisplay}");
        Assert.Contains("<h2>10K · overall</h2>", first);
        Assert.True(PhonePageTests.Ordered(first, ">1</td><td>Ann Lee", ">2</td><td>Zoë Ångström", ">3</td><td>Annie Leeds"), first);
        Assert.Contains("data-cycle=\"10\" data-page=\"1\" data-pages=\"3\"", first);
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
        Assert.Contains("<div><h2>10K</h2><div class=\"count\">2</div><div class=\"lbl\">still on course</div><p>3 finished · 0 DNF · 5 started</p></div>", html);
        Assert.Contains("<div><h2>5K</h2><div class=\"count\">0</div><div class=\"lbl\">still on course</div><p>1 finished · 0 DNF · 1 started</p></div>", html);
    }

    [Fact]
    public async Task Announcer_shows_who_is_coming_with_an_expected_time_and_finishers_with_hometown_and_division_place()
    {
        var html = await Http.GetStringAsync($"/d/{TestMeet.AnnouncerDisplay}");
        // José was at 5 km after 21:57 from his start (08:00:03): at that pace the finish is due at 08:43:57.
        Assert.Contains("<h2>Coming in</h2><table><tbody><tr><td class=\"r\">104</td><td>José Núñez <span class=\"s\">Boise, ID · M 30-39</span></td><td class=\"r\">~08:43:57<br><span class=\"s\">0:43:54</span></td></tr></tbody></table>", html);
        Assert.True(PhonePageTests.Ordered(html, "<h2>Just finished</h2>", "Annie Leeds <span class=\"s\">Tacoma, WA</span><br><span class=\"s\">10K · 2nd F 30-39</span>",
            "Zoë Ångström <span class=\"s\">Seattle, WA</span><br><span class=\"s\">10K · 1st F 30-39</span>", "Ann Lee"), html);
        Assert.DoesNotContain("Dan Annis", html);
    }

    [Fact]
    public async Task An_unknown_display_is_404()
    {
        using var response = await Http.GetAsync("/d/abcdefgh");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
