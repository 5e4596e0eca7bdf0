using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;
using Edge.Tests.Support;

namespace Edge.Tests.Web;

/// <summary>The phone pages over real HTTP against a box with a race in progress.</summary>
public partial class PhonePageTests(RaceScenario.Fixture race) : IClassFixture<RaceScenario.Fixture>
{
    private HttpClient Http => race.Box.Http;

    [Fact]
    public async Task Home_shows_the_event_the_races_with_counts_a_search_and_the_newest_finishers_first()
    {
        var html = await PageAsync("/");
        Assert.Contains("<h1>Lakeside 10K</h1>", html);
        Assert.Contains("<a href=\"/races/10k\"><b>10K</b><br><span class=\"s\">3 finished · 2 on course · 8 entered</span>", html);
        Assert.Contains("<a href=\"/races/5k\"><b>5K</b><br><span class=\"s\">1 finished · 0 on course · 2 entered</span>", html);
        Assert.Contains("<form action=\"/search\" method=\"get\"", html);
        Assert.True(Ordered(html, "Annie Leeds", "Zoë Ångström", "Ann Lee", "Dan Annis"), "recent finishers newest first");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/races/10k")]
    [InlineData("/search?q=ann")]
    [InlineData("/participants/101")]
    [InlineData("/finishers")]
    public async Task Every_page_stands_alone_for_the_captive_browser(string path)
    {
        using var response = await Http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        // No external resources, no new windows, no storage: the iPhone sign-in window has none of them.
        Assert.DoesNotMatch(@"(src|href)=""(https?:)?//", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("_blank", html);
        Assert.DoesNotContain("window.open", html);
        Assert.DoesNotContain("localStorage", html);
        Assert.DoesNotContain("cookie", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("name=\"viewport\" content=\"width=device-width,initial-scale=1\"", html);
        Assert.Contains($"To keep following, open <b>http://127.0.0.1:{Http.BaseAddress!.Port}/</b> in Safari", html);
    }

    [Fact]
    public async Task Race_page_lists_finishers_in_place_order_then_everyone_else()
    {
        var html = await PageAsync("/races/10k");
        Assert.True(Ordered(html, ">1</td><td class=\"nm\"><a href=\"/participants/103\">Ann Lee</a>", ">2</td><td class=\"nm\"><a href=\"/participants/101\">Zoë Ångström</a>",
            ">3</td><td class=\"nm\"><a href=\"/participants/105\">Annie Leeds</a>", "/participants/102", "/participants/104", "/participants/106"), html);
        Assert.Contains("<th class=\"r\">Gun time</th>", html);
        Assert.Contains("0:42:12.14<br><span class=\"s\">Chip 0:42:07.43<br>4:12/km</span>", html);
        Assert.Matches(@"/participants/104"">José Núñez</a><span class=""s"">#104 · M 30-39</span><span class=""s h"">Boise, ID</span></td><td class=""r"">On course</td>", html);
        Assert.Contains("<td class=\"r\">Started</td>", html);
        Assert.Contains("<td class=\"r\">Not started</td>", html);
        Assert.DoesNotContain("Dan Annis", html);
    }

    [Fact]
    public async Task Race_page_filters_by_gender_and_by_division_with_their_places()
    {
        var women = await PageAsync("/races/10k?gender=f");
        Assert.Contains("<option value=\"F\" selected>Women</option>", women);
        Assert.Contains("<th class=\"r\">Women</th>", women);
        Assert.True(Ordered(women, ">1</td><td class=\"nm\"><a href=\"/participants/103\"", ">2</td><td class=\"nm\"><a href=\"/participants/101\"", ">3</td><td class=\"nm\"><a href=\"/participants/105\"", "/participants/107"), women);
        Assert.DoesNotContain("/participants/104", women);

        var division = await PageAsync("/races/10k?division=" + Uri.EscapeDataString("f 30-39"));
        Assert.Contains("<option selected>F 30-39</option>", division);
        Assert.Contains("<b>F 30-39</b>: 2 finished of 2", division);
        Assert.True(Ordered(division, ">1</td><td class=\"nm\"><a href=\"/participants/101\"", ">2</td><td class=\"nm\"><a href=\"/participants/105\""), division);
        Assert.DoesNotContain("/participants/103\"", division);
    }

    [Theory]
    [InlineData("/races/10k?page=0", "'page' must be a whole number from 1 to 100000")]
    [InlineData("/races/10k?page=abc", "'page' must be a whole number")]
    [InlineData("/races/10k?page=99999999999999", "'page' must be a whole number")]
    [InlineData("/races/10k?page=1&page=2", "'page' is given 2 times")]
    [InlineData("/races/10k?gender=FEMALEFEMALE", "'gender' is 12 characters long")]
    [InlineData("/races/10k?division=%00", "control characters")]
    [InlineData("/search?q=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "at most 64 are accepted")]
    [InlineData("/participants/123456789012345678901234567890123", "not a bib")]
    [InlineData("/events?v=-1", "'v' must be a whole number")]
    [InlineData("/d/fin0display?page=x", "'page' must be a whole number from 1 to 1000")]
    public async Task Nonsense_input_is_answered_400_with_a_message(string path, string message)
    {
        using var response = await Http.GetAsync(path);
        var body = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, body);
    }

    [Theory]
    [InlineData("/races/%00")]
    [InlineData("/races/%C0%AF")]
    [InlineData("/participants/%FF%FE")]
    [InlineData("/participants/a%2Fb")]
    [InlineData("/search?q=%FF%FE%00")]
    [InlineData("/search?q=%E2%80%8F%CC%81%CC%81")]
    [InlineData("/races/10k?gender=%3Cscript%3E")]
    [InlineData("/races/10k?page=%20")]
    [InlineData("/races/10k?page=-1")]
    [InlineData("/api/races/10k/results?offset=99999999999999999999")]
    [InlineData("/api/races/10k/results?offset=9999999999")]
    [InlineData("/events?race=&bib=")]
    [InlineData("/d/%2E%2E")]
    [InlineData("/sign/wifi.png?x=%00")]
    public async Task Odd_requests_get_an_answer_never_a_server_error(string path)
    {
        using var response = await Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.True((int)response.StatusCode < 500, $"{path}: {(int)response.StatusCode}");
    }

    [Theory]
    [InlineData("/races/marathon", "There is no race 'marathon'")]
    [InlineData("/races/10k?page=2", "Page 2 is past the last page (1)")]
    [InlineData("/participants/999", "No runner has bib 999")]
    [InlineData("/d/notadisplay", "There is no display")]
    [InlineData("/races/marathon/results.csv", "There is no race 'marathon'")]
    public async Task What_does_not_exist_is_answered_404(string path, string message)
    {
        using var response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(message, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("10", new[] { "101", "102", "103", "104", "105", "106", "107", "1010" })]
    [InlineData("zoe", new[] { "101" })]
    [InlineData("ÅNG", new[] { "101" })]
    [InlineData("zoë ångström", new[] { "101" })]
    [InlineData("  Zoe   Ang ", new[] { "101" })]
    [InlineData("nunez", new[] { "104" })]
    [InlineData("ann", new[] { "201", "103", "105" })]
    [InlineData("lee", new[] { "103", "105" })]
    [InlineData("ohara finn", new[] { "1010" })]
    public async Task Search_matches_bib_and_name_prefixes_ignoring_case_and_accents(string query, string[] bibs)
    {
        var html = await PageAsync("/search?q=" + Uri.EscapeDataString(query));
        var found = SearchHit().Matches(html).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(bibs, found);
        Assert.Contains($"{bibs.Length} runner", html);
    }

    [Fact]
    public async Task Search_without_a_match_says_so_and_an_empty_search_shows_the_form()
    {
        Assert.Contains("No runner matches “xyz”", await PageAsync("/search?q=xyz"));
        var empty = await PageAsync("/search?q=");
        Assert.Contains("<input type=\"search\" name=\"q\" value=\"\"", empty);
        Assert.Empty(SearchHit().Matches(empty));
    }

    [Theory]
    [InlineData("101", "/participants/101")]
    [InlineData(" 1010 ", "/participants/1010")]
    public async Task An_exact_bib_opens_that_runner(string query, string location)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Http.BaseAddress };
        using var response = await client.GetAsync("/search?q=" + Uri.EscapeDataString(query));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
        Assert.Contains("<h1>Finn Ohara</h1>", await PageAsync("/search?q=1010"));
    }

    [Fact]
    public async Task Search_results_show_place_and_time_and_keep_the_hometown_on_its_own_line()
    {
        var html = await PageAsync("/search?q=ann");
        Assert.Contains("<li><a href=\"/participants/103\"><b>Ann Lee</b> #103<span class=\"s h\">10K · Portland, OR</span><span class=\"s\">1st · Gun 0:40:00.00 · Chip 0:39:55.00</span></a></li>", html);
        Assert.Contains("<li><a href=\"/participants/201\"><b>Dan Annis</b> #201<span class=\"s h\">5K · Salem, OR</span><span class=\"s\">1st · Gun 0:25:00.00 · Chip 0:24:58.00</span></a></li>", html);
        Assert.Contains("<li><a href=\"/participants/104\"><b>José Núñez</b> #104<span class=\"s h\">10K · Boise, ID</span><span class=\"s\">On course</span></a></li>", await PageAsync("/search?q=nunez"));
    }

    [Fact]
    public async Task Participant_page_shows_time_pace_places_and_splits()
    {
        var html = await PageAsync("/participants/101");
        Assert.Contains("<h1>Zoë Ångström</h1><p class=\"s\">#101 · 10K · F 30-39 · Seattle, WA · Lakeside Striders</p>", html);
        Assert.Contains("<p class=\"st\" id=\"status\">Finished</p><p class=\"big\" id=\"time\">0:42:12.14</p><p class=\"s\" id=\"ranked\">Gun time · places by gun time</p>", html);
        Assert.Contains("<p id=\"where\">Crossed the finish at 08:42:12</p>", html);
        Assert.Contains("<tr><td>Gun time</td><td>0:42:12.14</td></tr><tr><td>Chip time</td><td>0:42:07.43</td></tr>", html);
        Assert.Contains("<tr><td>Pace</td><td>4:12/km · 6:46/mi</td></tr>", html);
        Assert.Contains("<tr><td>Place</td><td>2 of 3</td></tr>", html);
        Assert.Contains("<tr><td>Women</td><td>2 of 3</td></tr>", html);
        Assert.Contains("<tr><td>F 30-39</td><td>1 of 2</td></tr>", html);
        Assert.Contains("<tr><td>5k</td><td class=\"r\">0:21:35.29</td><td class=\"r\">4:19/km</td></tr>", html);
        Assert.Contains("<tr><td>Finish</td><td class=\"r\">0:42:07.43</td><td class=\"r\">4:06/km</td></tr>", html);
        Assert.Contains("<a href=\"/races/10k\">10K results</a>", html);
    }

    [Fact]
    public async Task Participant_page_says_where_a_runner_on_course_was_last_seen()
    {
        var onCourse = await PageAsync("/participants/104");
        Assert.Contains("<p class=\"st\" id=\"status\">On course</p>", onCourse);
        Assert.Contains("<p id=\"where\">Last seen at 5k at 08:22:00</p>", onCourse);
        Assert.DoesNotContain("id=\"time\"", onCourse);

        var registered = await PageAsync("/participants/106");
        Assert.Contains("<p class=\"st\" id=\"status\">Not started</p>", registered);
        Assert.Contains("Not seen on the course yet", registered);
        Assert.DoesNotContain("<td>Started</td>", registered);
        Assert.Contains("<tr><td>Started</td><td>08:00:03</td></tr>", onCourse);
    }

    [Fact]
    public async Task Names_from_the_roster_are_encoded_never_markup()
    {
        foreach (var path in new[] { "/participants/102", "/races/10k", "/search?q=smith", "/d/lead0display?page=1" })
        {
            var html = await PageAsync(path);
            Assert.DoesNotContain("<script>alert(1)", html);
            Assert.Single(Regex.Matches(html, "<script"));
        }

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; Smith", await PageAsync("/participants/102"));
    }

    [Fact]
    public async Task Recent_finishers_are_newest_first_with_their_finish_clock_time()
    {
        var html = await PageAsync("/finishers");
        Assert.True(Ordered(html, "08:45:00", "Annie Leeds", "08:42:12", "Zoë Ångström", "08:40:00", "Ann Lee", "08:25:00", "Dan Annis"), html);
        Assert.Contains("#201 · 5K", html);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/races/10k?gender=F")]
    [InlineData("/participants/101")]
    [InlineData("/finishers")]
    public async Task The_live_region_is_served_alone_as_a_fragment(string path)
    {
        var page = await PageAsync(path);
        var fragment = await PageAsync(path + (path.Contains('?') ? "&" : "?") + "fragment=1");
        Assert.DoesNotContain("<html", fragment);
        Assert.DoesNotContain("<script", fragment);
        var live = Regex.Match(page, "<div id=\"live\"[^>]*>").Index;
        Assert.True(live > 0, "page has a live region");
        Assert.Contains(fragment, page[live..]);
    }

    [Fact]
    public async Task Pages_are_gzipped_for_phones_that_accept_it()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/races/10k");
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var response = await Http.SendAsync(request);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        var compressed = await response.Content.ReadAsByteArrayAsync();
        await using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var html = await new StreamReader(gzip).ReadToEndAsync();
        Assert.Equal(await PageAsync("/races/10k"), html);
        Assert.True(compressed.Length < html.Length * 0.7, $"{compressed.Length} bytes gzipped of {html.Length}");
    }

    private async Task<string> PageAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>True when each text occurs after the one before it.</summary>
    internal static bool Ordered(string html, params string[] texts)
    {
        var at = 0;
        foreach (var text in texts)
        {
            at = html.IndexOf(text, at, StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }

            at += text.Length;
        }

        return true;
    }

    [GeneratedRegex("<li><a href=\"/participants/([^\"]+)\">")]
    private static partial Regex SearchHit();
}
