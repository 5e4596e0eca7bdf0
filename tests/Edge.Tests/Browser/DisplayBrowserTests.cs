using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Edge.Appliance.Web;
using Edge.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Edge.Tests.Browser;

/// <summary>
/// The finish-area displays on a 1920×1080 screen with a 5,000-runner 10K half finished, and the Wi-Fi sign and
/// home page on a 390×844 phone, in a real browser: every row and figure inside the screen, none cut at the edge.
/// Screenshots are kept in tests/artifacts/screenshots.
/// </summary>
[Collection(BrowserCollection.Name)]
public class DisplayBrowserTests(Chromium chromium, DisplayBrowserTests.BigRace race) : IClassFixture<DisplayBrowserTests.BigRace>
{
    private const int Width = 1920;
    private const int Height = 1080;

    [Fact]
    public async Task The_finish_feed_shows_at_least_ten_whole_rows_with_labelled_times_on_1080_lines()
    {
        await using var screen = await chromium.FullHdScreenAsync(race.Box.Http.BaseAddress!.ToString());
        var page = await screen.NewPageAsync();
        await page.GotoAsync($"/d/{TestMeet.FinishDisplay}");
        var rows = page.Locator("table.huge tbody tr");
        await Expect(rows.First).ToContainTextAsync("2500");
        Assert.True(await rows.CountAsync() >= 10, $"{await rows.CountAsync()} finish rows");
        await Expect(rows.First.Locator("td").Nth(3)).ToContainTextAsync(new Regex(@"^Gun\s*\d:\d\d:\d\d\.\d\d$"));
        await Expect(rows.First.Locator("td").Nth(4)).ToContainTextAsync(new Regex(@"^Chip\s*\d:\d\d:\d\d\.\d\d$"));
        await Chromium.ScreenshotAsync(page, "display-1080-finish", fullPage: false);
        await AssertFitsAsync(page, "h1, table.huge th, table.huge tbody tr, table.huge td");
        await AssertOneLineRowsAsync(page, "table.huge tbody tr");
    }

    [Fact]
    public async Task Every_leaderboard_page_fits_with_the_ranking_time_first_and_subtitles_not_underlined()
    {
        await using var screen = await chromium.FullHdScreenAsync(race.Box.Http.BaseAddress!.ToString());
        var page = await screen.NewPageAsync();
        await page.GotoAsync($"/d/{TestMeet.LeaderDisplay}");
        await Expect(page.Locator("h2").First).ToHaveTextAsync("10K · overall");
        var pages = int.Parse(await page.Locator("#live").GetAttributeAsync("data-pages") ?? "0", CultureInfo.InvariantCulture);
        Assert.True(pages >= 5, $"{pages} leaderboard pages");
        Assert.Equal("none", await page.Locator("h2").First.EvaluateAsync<string>("e => getComputedStyle(e).textDecorationLine"));
        var first = page.Locator("table.board tbody tr").First;
        await Expect(first.Locator("td").Nth(2)).ToHaveTextAsync(new Regex(@"^Gun\s*0:\d\d:\d\d\.\d\d$"));
        await Expect(first.Locator("td").Nth(3)).ToHaveTextAsync(new Regex(@"^Chip\s*0:\d\d:\d\d\.\d\d$"));
        for (var number = 1; number <= pages; number++)
        {
            await page.GotoAsync($"/d/{TestMeet.LeaderDisplay}?page={number}");
            await Chromium.ScreenshotAsync(page, $"display-1080-leaderboard-{number}", fullPage: false);
            await AssertFitsAsync(page, "h1, h2, table.board tbody tr, table.board td, p.lbl");
            await AssertOneLineRowsAsync(page, "table.board tbody tr");
        }
    }

    [Fact]
    public async Task On_course_lists_who_is_still_out_page_by_page_and_filters_by_race()
    {
        await using var screen = await chromium.FullHdScreenAsync(race.Box.Http.BaseAddress!.ToString());
        var page = await screen.NewPageAsync();
        await page.GotoAsync($"/d/{TestMeet.OnCourseDisplay}");
        await Expect(page.Locator("h1")).ToContainTextAsync("On course");
        var rows = page.Locator("table.out tbody tr");
        await Expect(rows).ToHaveCountAsync(Displays.OnCourseRows);
        await Expect(page.Locator("p.lbl")).ToHaveTextAsync($"1 / {BigRace.StillOut / Displays.OnCourseRows} · {BigRace.StillOut:N0} on course");
        // Soonest due first: runners seen at 5 km, last seen there and when, with the time they are expected.
        await Expect(rows.First.Locator("td").Nth(2)).ToHaveTextAsync(new Regex(@"^5k \d\d:\d\d:\d\d$"));
        await Expect(rows.First.Locator("td").Nth(3)).ToHaveTextAsync(new Regex(@"^~\d\d:\d\d:\d\d$"));
        await Chromium.ScreenshotAsync(page, "display-1080-on-course", fullPage: false);
        await AssertFitsAsync(page, "h1, p.sum, table.out th, table.out tbody tr, table.out td, p.lbl");
        await AssertOneLineRowsAsync(page, "table.out tbody tr");

        // The last page: runners seen only at the start, nothing expected yet.
        await page.GotoAsync($"/d/{TestMeet.OnCourseDisplay}?race=10k&page={BigRace.StillOut / Displays.OnCourseRows}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("On course · 10K");
        await Expect(rows.Last.Locator("td").Nth(2)).ToHaveTextAsync(new Regex(@"^Start \d\d:\d\d:\d\d$"));
        await Expect(rows.Last.Locator("td").Nth(3)).ToHaveTextAsync("–");
        await AssertFitsAsync(page, "h1, p.sum, table.out tbody tr, table.out td, p.lbl");

        // The display cycles its pages by itself.
        await page.GotoAsync($"/d/{TestMeet.OnCourseDisplay}");
        await Expect(page.Locator("p.lbl")).ToContainTextAsync("2 / ", new LocatorAssertionsToContainTextOptions { Timeout = 5000 });
    }

    [Fact]
    public async Task The_announcer_has_a_ticking_clock_labelled_figures_and_just_finished_on_screen()
    {
        await using var screen = await chromium.FullHdScreenAsync(race.Box.Http.BaseAddress!.ToString());
        var page = await screen.NewPageAsync();
        await page.GotoAsync($"/d/{TestMeet.AnnouncerDisplay}");
        var clock = page.Locator("#clock");
        await Expect(clock).ToHaveTextAsync(new Regex(@"^\d\d:\d\d:\d\d$"));
        var before = await clock.TextContentAsync();
        await Expect(clock).Not.ToHaveTextAsync(before!, new LocatorAssertionsToHaveTextOptions { Timeout = 3000 });
        Assert.True(await clock.EvaluateAsync<double>("e => e.getBoundingClientRect().height") >= Height * 0.09, "the clock is not large");

        var coming = page.Locator("section").First.Locator("tbody tr");
        await Expect(coming).ToHaveCountAsync(Displays.AnnouncerRows);
        await Expect(coming.First.Locator("td").Nth(1)).ToContainTextAsync(new Regex(@"WA · [MF] \d\d-\d\d$"));
        await Expect(coming.First.Locator("td").Nth(2)).ToHaveTextAsync(new Regex(@"^5k \d\d:\d\d:\d\dLast seen$"));
        await Expect(coming.First.Locator("td").Nth(3)).ToHaveTextAsync(new Regex(@"^~\d\d:\d\d:\d\dDue$"));
        await Expect(coming.First.Locator("td").Nth(4)).ToHaveTextAsync(new Regex(@"^0:\d\d:\d\dEst\. chip$"));
        var finished = page.Locator("section").Last;
        await Expect(finished.Locator("h2")).ToHaveTextAsync("Just finished");
        var newest = finished.Locator("tbody tr");
        await Expect(newest).ToHaveCountAsync(Displays.AnnouncerFinishedRows);
        await Expect(newest.First.Locator("td").Nth(2)).ToHaveTextAsync(new Regex(@"^2500thPlace · \d+\w\w [FM] \d\d-\d\d$"));
        await Expect(newest.First.Locator("td").Nth(3)).ToHaveTextAsync("1:12:05Gun");
        await Expect(newest.First.Locator("td").Nth(4)).ToHaveTextAsync("1:10:25Chip");
        await Chromium.ScreenshotAsync(page, "display-1080-announcer", fullPage: false);
        await AssertFitsAsync(page, ".clock, h1, h2, section tbody tr, section td");
    }

    [Fact]
    public async Task The_wifi_sign_keeps_the_address_whole_and_both_steps_on_a_phone_screen_and_an_a4_page()
    {
        await using var phone = await chromium.PhoneAsync(race.Box.Http.BaseAddress!.ToString(), 390, 844);
        var page = await phone.NewPageAsync();
        await page.GotoAsync("/sign");
        await Expect(page.Locator(".v.a")).ToHaveTextAsync(TestMeet.ResultsUrl);
        await Chromium.ScreenshotAsync(page, "sign-390", fullPage: false);
        await AssertFitsAsync(page, ".step, .step img, .v, h1");
        // Each part of the address (scheme, host, path) is on one line: the IP address never breaks.
        var broken = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('.v.a span')].filter(s => s.getClientRects().length > 1).map(s => s.textContent)");
        Assert.Empty(broken);

        var pdf = Path.Combine(Chromium.ScreenshotDir, "sign-a4.pdf");
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        await page.PdfAsync(new PagePdfOptions { Path = pdf, Format = "A4" });
        var pages = Regex.Matches(Encoding.Latin1.GetString(await File.ReadAllBytesAsync(pdf)), @"/Type\s*/Page[^s]").Count;
        Assert.Equal(1, pages);
    }

    [Fact]
    public async Task A_narrow_address_wraps_between_its_parts_never_inside_the_ip()
    {
        await using var phone = await chromium.PhoneAsync(race.Box.Http.BaseAddress!.ToString(), 320, 700);
        var page = await phone.NewPageAsync();
        await page.SetContentAsync($"<style>{WifiSign.SignStyle}</style><div class=\"steps\"><div class=\"step\"><p class=\"v a\">{Markup("http://192.168.100.200:8080/")}</p></div></div>");
        var lines = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('.v.a span')].map(s => s.textContent + ':' + s.getClientRects().length)");
        Assert.Equal(["http://:1", "192.168.100.200:1", ":8080:1", "/:1"], lines);
        await AssertFitsAsync(page, ".v.a span");
    }

    [Fact]
    public async Task The_sign_in_window_note_shows_only_when_the_captive_portal_sent_the_phone()
    {
        await using var phone = await chromium.PhoneAsync(race.Box.Http.BaseAddress!.ToString(), 390, 844);
        var page = await phone.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Lakeside 10K");
        await Expect(page.Locator("footer .portal")).ToBeHiddenAsync();
        await Chromium.ScreenshotAsync(page, "phone-390-home");

        // Where the captive portal's redirect lands (its Location carries the marker).
        await page.GotoAsync(BoxAddress.InPortal("/"));
        await Expect(page.Locator("footer .portal")).ToBeVisibleAsync();
        await Expect(page.Locator("footer .portal")).ToContainTextAsync("In the Wi-Fi sign-in window?");
        Assert.Equal(0, await page.EvaluateAsync<double>("() => scrollY"));
        await page.ClickAsync("a[href='/races/10k']");
        await Expect(page.Locator("footer .portal")).ToBeHiddenAsync();
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 390, "the home page is wider than 390 px");
    }

    private static string Markup(string url)
    {
        var html = new Html();
        WifiSign.Address(html, url);
        return html.ToString();
    }

    /// <summary>
    /// Every element matched lies inside the viewport, nothing scrolls, and no figure (right-aligned cell) is cut: its
    /// text is no wider than the cell's room (wider text ends in an ellipsis).
    /// </summary>
    /// <summary>The template layouts (displays.json in the big race's meet folder), each with fields of its own.</summary>
    public static readonly (string Id, string Layout, bool OneLineRows)[] Layouts =
    [
        ("lay-finish", "finish", true), ("lay-board", "leaderboard", true), ("lay-slides", "slideshow", true), ("lay-course", "onCourse", true),
        ("lay-announce", "announcer", false), ("lay-message", "message", false), ("lay-split", "split", false),
    ];

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1920, 1080)]
    public async Task Every_template_layout_fits_a_phone_and_a_full_hd_screen_with_the_5000_runner_race(int width, int height)
    {
        await using var screen = width < 1000
            ? await chromium.PhoneAsync(race.Box.Http.BaseAddress!.ToString(), width, height)
            : await chromium.FullHdScreenAsync(race.Box.Http.BaseAddress!.ToString());
        var page = await screen.NewPageAsync();
        foreach (var (id, layout, oneLine) in Layouts)
        {
            // Pinned to its first page, so the page does not turn while it is measured.
            await page.GotoAsync($"/d/{id}?page=1");
            await Expect(page.Locator("h1").First).ToBeVisibleAsync();
            await Expect(page.Locator("#off")).ToBeHiddenAsync();
            if (layout is not ("message" or "announcer"))
            {
                await Expect(page.Locator("tbody tr").First).ToBeVisibleAsync();
            }

            // The stream's first fragment has replaced the page's own by now: measure what the screen keeps showing.
            await Task.Delay(300);
            await Chromium.ScreenshotAsync(page, $"template-{width}x{height}-{layout}", fullPage: false);
            await AssertFitsAsync(page, "h1, h2, th, tbody tr, td, p, .half");
            if (oneLine)
            {
                await AssertOneLineRowsAsync(page, "tbody tr");
            }
        }
    }

    internal static async Task AssertFitsAsync(IPage page, string selector)
    {
        var outside = await page.EvaluateAsync<string[]>(
            """
            s => {
              const w = innerWidth, h = innerHeight, out = [];
              for (const e of document.querySelectorAll(s)) {
                const r = e.getBoundingClientRect();
                if (r.width === 0 && r.height === 0) continue;
                if (r.top < -0.5 || r.left < -0.5 || r.bottom > h + 0.5 || r.right > w + 0.5)
                  out.push(`${e.tagName} ${Math.round(r.left)},${Math.round(r.top)}-${Math.round(r.right)},${Math.round(r.bottom)}: ${e.textContent.slice(0, 50)}`);
              }
              for (const e of document.querySelectorAll('td.r, th.r')) {
                const box = e.getBoundingClientRect(), style = getComputedStyle(e);
                const left = box.left + parseFloat(style.paddingLeft), right = box.right - parseFloat(style.paddingRight);
                const walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
                for (let node = walk.nextNode(); node; node = walk.nextNode()) {
                  const text = document.createRange();
                  text.selectNodeContents(node);
                  const r = text.getBoundingClientRect();
                  if (r.width > 0 && (r.left < left - 0.5 || r.right > right + 0.5)) out.push(`cut figure: ${e.textContent}`);
                }
              }
              for (const e of [document.documentElement, document.body])
                if (e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1) out.push(`${e.tagName} overflows: ${e.scrollWidth}x${e.scrollHeight}`);
              return out;
            }
            """, selector);
        Assert.True(outside.Length == 0, $"{page.Url} at {page.ViewportSize?.Width}×{page.ViewportSize?.Height}:\n{string.Join("\n", outside)}");
    }

    /// <summary>All rows the same height: none wrapped onto a second line and pushed the rest down.</summary>
    internal static async Task AssertOneLineRowsAsync(IPage page, string selector)
    {
        var heights = await page.EvaluateAsync<double[]>("s => [...document.querySelectorAll(s)].map(e => Math.round(e.getBoundingClientRect().height))", selector);
        Assert.True(heights.Length > 0, $"no rows match {selector}");
        Assert.True(heights.Max() - heights.Min() <= 1, $"{page.Url}: row heights {string.Join(", ", heights)}");
    }

    /// <summary>
    /// The standard meet's 10K with 5,000 runners (BigRoster): all started, 4,000 seen at 5 km, 2,500 finished; so
    /// 1,500 are between 5 km and the finish and 1,000 were seen only at the start.
    /// </summary>
    public sealed class BigRace : IAsyncLifetime
    {
        public const int Runners = 5_000;
        public const int AtSplit = 4_000;
        public const int Finished = 2_500;
        public const int StillOut = Runners - Finished;

        public TestMeet Meet { get; private set; } = null!;
        public TestBox Box { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Meet = TestMeet.Standard(TestMeet.BigRoster(Runners));
            await File.WriteAllTextAsync(Path.Combine(Meet.Path, "displays.json"), LayoutsJson);
            Box = await TestBox.StartAsync(null, Meet.Setting, "--Web:DisplayCycle=00:00:02");
            using var feed = await TimingFeed.ConnectAsync(Box.TimingPort);
            await feed.GunAsync();
            var lines = new List<string>();
            for (var bib = 1; bib <= Runners; bib++)
            {
                lines.Add(TimingFeed.Line("start", bib + 1, Bib(bib), $"08:0{bib % 3}:{bib % 60:00}.{bib % 100:00}"));
            }

            for (var bib = 1; bib <= AtSplit; bib++)
            {
                lines.Add(TimingFeed.Line("5k", bib, Bib(bib), Clock(TimeSpan.FromMinutes(8 * 60 + 20) + TimeSpan.FromMilliseconds(bib * 300))));
            }

            for (var bib = 1; bib <= Finished; bib++)
            {
                lines.Add(TimingFeed.Line("finish", bib, Bib(bib), Clock(TimeSpan.FromMinutes(8 * 60 + 40) + TimeSpan.FromMilliseconds(bib * 770))));
            }

            foreach (var chunk in lines.Chunk(2_000))
            {
                await feed.SendLinesAsync(chunk);
            }

            await Box.WaitForResultsAsync(
                s => s.Race("10k") is { Counts.Finished: Finished, Counts.OnCourse: AtSplit - Finished, Counts.Started: Runners - AtSplit },
                "the 5,000-runner race", TimeSpan.FromSeconds(60));
        }

        public async Task DisposeAsync()
        {
            await Box.DisposeAsync();
            Meet.Dispose();
        }

        /// <summary>A template of each layout and a display showing it; the split shows the board and the finish feed.</summary>
        private const string LayoutsJson = """
            { "templates": [
                { "id": "t-finish", "name": "Finish line", "layout": "finish", "fields": ["place", "bib", "name", "time", "otherTime", "hometown"] },
                { "id": "t-board", "name": "Leaders", "layout": "leaderboard", "fields": ["place", "name", "time", "otherTime", "division"], "rowsPerPage": 12, "textSize": 110 },
                { "id": "t-slides", "name": "All results", "layout": "slideshow", "fields": ["place", "bib", "name", "time", "race", "hometown"], "rowsPerPage": 10 },
                { "id": "t-course", "name": "Sweep", "layout": "onCourse", "rowsPerPage": 12 },
                { "id": "t-announce", "name": "Announcer", "layout": "announcer" },
                { "id": "t-message", "name": "Thank you", "layout": "message", "message": "Thanks to our volunteers, the city of Seattle, the Green Lake community council, the timing crew, the first-aid team at the finish and every runner who came out this morning. Water and fruit are in the tent behind the finish; results are live on the Wi-Fi sign's address; awards start at eleven by the stage. Please take your rubbish home and mind the cyclists on the path." },
                { "id": "t-split", "name": "Both", "layout": "split", "parts": ["t-board", "t-finish"] } ],
              "displays": [
                { "id": "lay-finish", "name": "Finish", "template": "t-finish" }, { "id": "lay-board", "name": "Board", "template": "t-board" },
                { "id": "lay-slides", "name": "Slides", "template": "t-slides" }, { "id": "lay-course", "name": "Course", "template": "t-course" },
                { "id": "lay-announce", "name": "Announcer", "template": "t-announce" }, { "id": "lay-message", "name": "Message", "template": "t-message" },
                { "id": "lay-split", "name": "Split", "template": "t-split" } ] }
            """;

        private static string Bib(int bib) => bib.ToString(CultureInfo.InvariantCulture);

        private static string Clock(TimeSpan at) => at.ToString(@"hh\:mm\:ss\.ff", CultureInfo.InvariantCulture);
    }
}
