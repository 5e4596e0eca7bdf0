using System.Diagnostics;
using System.Text.RegularExpressions;
using Edge.Appliance.Web;
using Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Edge.Tests.Browser;

/// <summary>
/// The phone pages and displays in a real browser (Debian's Chromium) on a 360×740 phone screen, against a box
/// fed over CTP01. Screenshots are kept in tests/artifacts/screenshots.
/// </summary>
[Collection(BrowserCollection.Name)]
public class PhoneBrowserTests(Chromium chromium)
{
    [Fact]
    public async Task A_runner_finds_themselves_and_sees_their_finish_time_appear_within_a_second()
    {
        using var meet = TestMeet.Standard();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var feed = await RaceScenario.FeedAsync(box);
        await using var phone = await chromium.PhoneAsync(box.Http.BaseAddress!.ToString());
        var page = await phone.NewPageAsync();

        await page.GotoAsync("/");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Lakeside 10K");
        await Chromium.ScreenshotAsync(page, "phone-home");
        await AssertFitsAsync(page);

        await page.FillAsync("input[name=q]", "jose");
        await page.ClickAsync("form[role=search] button");
        await Expect(page).ToHaveURLAsync(new Regex(@"/search\?q=jose$"));
        await Expect(page.Locator(".list a")).ToContainTextAsync("José Núñez");
        await Chromium.ScreenshotAsync(page, "phone-search");

        // A bib typed in full opens the runner's page.
        await page.FillAsync("input[name=q]", "104");
        await page.ClickAsync("form[role=search] button");
        await Expect(page).ToHaveURLAsync(new Regex(@"/participants/104$"));
        await Expect(page.Locator("#status")).ToHaveTextAsync("On course");
        await Expect(page.Locator("#where")).ToHaveTextAsync("Last seen at 5k at 08:22:00");
        await Chromium.ScreenshotAsync(page, "phone-participant-on-course");
        await AssertFitsAsync(page);

        // The page's EventSource is open; mark the document so a reload would show.
        await WaitForLiveClientsAsync(box, 1);
        await page.EvaluateAsync("() => { window.stillTheSamePage = true; }");
        var sent = Stopwatch.StartNew();
        await feed.ReadAsync("finish", "104", "08:44:00.00");
        await Expect(page.Locator("#time")).ToHaveTextAsync("0:44:00.00", new LocatorAssertionsToHaveTextOptions { Timeout = 1000 });
        var elapsed = sent.Elapsed;
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"), "the page was reloaded");
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"finish read to time on the phone took {elapsed.TotalMilliseconds:F0} ms");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Finished");
        await Chromium.ScreenshotAsync(page, "phone-participant-finished");
    }

    [Fact]
    public async Task Race_results_filter_and_recent_finishers_fit_a_phone_screen()
    {
        using var meet = TestMeet.Standard();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var feed = await RaceScenario.FeedAsync(box);
        await using var phone = await chromium.PhoneAsync(box.Http.BaseAddress!.ToString());
        var page = await phone.NewPageAsync();

        await page.GotoAsync("/races/10k");
        await Expect(page.Locator("tbody tr").First).ToContainTextAsync("Ann Lee");
        await Chromium.ScreenshotAsync(page, "phone-race");
        await AssertFitsAsync(page);

        await page.SelectOptionAsync("select[name=division]", "F 30-39");
        await page.ClickAsync("form[action='/races/10k'] button");
        await Expect(page).ToHaveURLAsync(new Regex(@"/races/10k\?gender=&division=F\+30-39$"));
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("tbody tr").First).ToContainTextAsync("Zoë Ångström");
        await Chromium.ScreenshotAsync(page, "phone-race-division");

        await page.GotoAsync("/finishers");
        await Expect(page.Locator("tbody tr").First).ToContainTextAsync("Annie Leeds");
        await Chromium.ScreenshotAsync(page, "phone-finishers");
        await AssertFitsAsync(page);

        // The race page follows the race: a new finisher appears without a reload.
        await page.GotoAsync("/races/10k");
        await WaitForLiveClientsAsync(box, 1);
        await feed.ReadAsync("finish", "104", "08:44:00.00");
        // Gun time 0:44:00 puts him third, ahead of Annie Leeds.
        await Expect(page.Locator("tbody tr").Nth(2)).ToContainTextAsync("José Núñez", new LocatorAssertionsToContainTextOptions { Timeout = 5000 });
        await Expect(page.Locator("tbody tr").Nth(2).Locator("td.r").Last).ToHaveTextAsync(new Regex("^0:44:00.00Chip 0:43:57.00"));
        await Expect(page.Locator("tbody tr").Nth(3)).ToContainTextAsync("Annie Leeds");
    }

    [Fact]
    public async Task Pages_work_with_javascript_off()
    {
        using var meet = TestMeet.Standard();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var feed = await RaceScenario.FeedAsync(box);
        await using var phone = await chromium.PhoneAsync(box.Http.BaseAddress!.ToString(), javaScript: false);
        var page = await phone.NewPageAsync();

        await page.GotoAsync("/");
        await page.FillAsync("input[name=q]", "zoe");
        await page.ClickAsync("form[role=search] button");
        await Expect(page).ToHaveURLAsync(new Regex(@"/search\?q=zoe$"));
        await page.ClickAsync("a[href='/participants/101']");
        await Expect(page.Locator("#time")).ToHaveTextAsync("0:42:12.14");
        await Chromium.ScreenshotAsync(page, "nojs-participant");

        await page.GotoAsync("/races/10k");
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(8);
        await Expect(page.Locator("tbody tr").First).ToContainTextAsync("Ann Lee");
        await page.SelectOptionAsync("select[name=gender]", "F");
        await page.ClickAsync("form[action='/races/10k'] button");
        await Expect(page.Locator("th").First).ToHaveTextAsync("Women");
        await Chromium.ScreenshotAsync(page, "nojs-race-women");

        // Without JavaScript a new result shows after following the refresh link.
        await feed.ReadAsync("finish", "107", "08:50:00.00");
        await box.WaitForStatusAsync("107", Appliance.Results.ParticipantStatus.Finished);
        await page.ClickAsync("footer a:has-text('Refresh')");
        await Expect(page.Locator("tbody tr").Nth(3)).ToContainTextAsync("Cara Diaz");

        await page.GotoAsync($"/d/{TestMeet.FinishDisplay}");
        await Expect(page.Locator("table.huge tbody tr").First).ToContainTextAsync("Cara Diaz");
        Assert.Equal(0, box.Services.GetRequiredService<LiveUpdates>().Count);
    }

    [Fact]
    public async Task Displays_update_live_and_are_kept_as_screenshots()
    {
        using var meet = TestMeet.Standard();
        await using var box = await TestBox.StartAsync(null, meet.Setting, "--Web:DisplayCycle=00:00:02");
        using var feed = await RaceScenario.FeedAsync(box);
        await using var screen = await chromium.ScreenAsync(box.Http.BaseAddress!.ToString());
        var finish = await screen.NewPageAsync();
        await finish.GotoAsync($"/d/{TestMeet.FinishDisplay}");
        await Expect(finish.Locator("table.huge tbody tr").First).ToContainTextAsync("Annie Leeds");
        var announcer = await screen.NewPageAsync();
        await announcer.GotoAsync($"/d/{TestMeet.AnnouncerDisplay}");
        await Expect(announcer.Locator("table").First).ToContainTextAsync("José Núñez");
        await Chromium.ScreenshotAsync(announcer, "display-announcer", fullPage: false);
        var onCourse = await screen.NewPageAsync();
        await onCourse.GotoAsync($"/d/{TestMeet.OnCourseDisplay}");
        await Expect(onCourse.Locator(".count").First).ToHaveTextAsync("2");
        await Expect(onCourse.Locator("table.out tbody tr")).ToHaveCountAsync(2);
        var leaders = await screen.NewPageAsync();
        await leaders.GotoAsync($"/d/{TestMeet.LeaderDisplay}");
        await Expect(leaders.Locator("h2")).ToHaveTextAsync("10K · overall");
        await Chromium.ScreenshotAsync(leaders, "display-leaderboard", fullPage: false);

        await WaitForScreensAsync(box, 4);
        await feed.ReadAsync("finish", "104", "08:46:00.00");
        await Expect(finish.Locator("table.huge tbody tr").First).ToContainTextAsync("José Núñez", new LocatorAssertionsToContainTextOptions { Timeout = 5000 });
        await Expect(finish.Locator("table.huge tbody tr").First).ToContainTextAsync("0:45:57.00");
        await Chromium.ScreenshotAsync(finish, "display-finish", fullPage: false);
        await Expect(announcer.Locator("table").Last).ToContainTextAsync("José Núñez", new LocatorAssertionsToContainTextOptions { Timeout = 5000 });
        await Expect(announcer.Locator("p.none")).ToHaveTextAsync("Nobody between the last split and the finish.");
        await Expect(onCourse.Locator(".count").First).ToHaveTextAsync("1", new LocatorAssertionsToHaveTextOptions { Timeout = 5000 });
        await Expect(onCourse.Locator("table.out tbody tr")).ToHaveCountAsync(1);
        await Expect(onCourse.Locator("table.out tbody tr").First).ToContainTextAsync("Smith");
        await Chromium.ScreenshotAsync(onCourse, "display-on-course", fullPage: false);

        // The leaderboard moves on to its next page by itself.
        await Expect(leaders.Locator("h2")).ToHaveTextAsync("10K · Women", new LocatorAssertionsToHaveTextOptions { Timeout = 5000 });
    }

    [Fact]
    public async Task The_wifi_sign_shows_both_codes_ready_to_print()
    {
        using var meet = TestMeet.Standard();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        await using var screen = await chromium.ScreenAsync(box.Http.BaseAddress!.ToString());
        var page = await screen.NewPageAsync();
        await page.GotoAsync("/sign");
        await Expect(page.Locator(".v").First).ToHaveTextAsync(TestMeet.Ssid);
        foreach (var code in new[] { "/sign/wifi.png", "/sign/results.png" })
        {
            var image = page.Locator($"img[src='{code}']");
            await Expect(image).ToBeVisibleAsync();
            Assert.True(await image.EvaluateAsync<int>("i => i.complete ? i.naturalWidth : 0") > 200, $"{code} did not load");
        }

        await Chromium.ScreenshotAsync(page, "sign");
        await page.PdfAsync(new PagePdfOptions { Path = Path.Combine(Chromium.ScreenshotDir, "sign.pdf"), Format = "A4" });
    }

    /// <summary>Nothing wider than the phone: no sideways scrolling on a 360 px screen.</summary>
    private static async Task AssertFitsAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 360, $"{page.Url} is wider than 360 px");

    private static async Task WaitForScreensAsync(TestBox box, int count)
    {
        var streams = box.Services.GetRequiredService<ScreenStreams>();
        var clock = Stopwatch.StartNew();
        while (streams.Count < count)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{streams.Count} screens' streams open, expected {count}");
            await Task.Delay(10);
        }
    }

    private static async Task WaitForLiveClientsAsync(TestBox box, int count)
    {
        var live = box.Services.GetRequiredService<LiveUpdates>();
        var clock = Stopwatch.StartNew();
        while (live.Count < count)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{live.Count} live clients, expected {count}");
            await Task.Delay(10);
        }
    }
}
