using System.Diagnostics;
using Edge.Appliance.Orienteering;
using Edge.Tests.Orienteering;
using Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Edge.Tests.Browser;

/// <summary>The orienteering pages in Debian's Chromium on a phone screen, fed by files dropped into the box's inbox.</summary>
[Collection(BrowserCollection.Name)]
public class OrienteeringBrowserTests(Chromium chromium)
{
    [Fact]
    public async Task A_new_export_in_the_inbox_changes_the_phone_page_within_two_seconds_without_a_reload()
    {
        using var o = new OrienteeringBox();
        await using var box = await TestBox.StartAsync(null, o.Settings(settle: "00:00:00.300"));
        o.Drop("results.xml", OrienteeringBox.List("2026-05-02T12:00:00-07:00", ("Ann", "Lee", "Lakeside", 1800), ("Bo", "Ek", "Hilltop", 1900)));
        await OrienteeringBox.WaitAsync(box, c => OrienteeringBox.HasClass(c, "W1F"), "the first export");
        await using var phone = await chromium.PhoneAsync(box.Http.BaseAddress!.ToString());
        var page = await phone.NewPageAsync();

        await page.GotoAsync("/o/classes/W1F");
        await Expect(page.Locator("h1")).ToHaveTextAsync("W1F");
        await Expect(page.Locator("tbody tr").First).ToContainTextAsync("Ann Lee");
        await Chromium.ScreenshotAsync(page, "orienteering-class");
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 360, $"the page is {width} px wide on a 360 px phone");

        var live = box.Services.GetRequiredService<OrienteeringLive>();
        var wait = Stopwatch.StartNew();
        while (live.Count < 1)
        {
            Assert.True(wait.Elapsed < TimeSpan.FromSeconds(10), "the page opened no event stream");
            await Task.Delay(10);
        }

        await page.EvaluateAsync("() => { window.stillTheSamePage = true; }");
        var dropped = Stopwatch.StartNew();
        // OE's next export, rewriting the same file: a new winner.
        o.Drop("results.xml", OrienteeringBox.List("2026-05-02T12:01:00-07:00", ("Cy", "Fox", "Hilltop", 1700), ("Ann", "Lee", "Lakeside", 1800), ("Bo", "Ek", "Hilltop", 1900)));
        await Expect(page.Locator("tbody tr").First).ToContainTextAsync("Cy Fox", new LocatorAssertionsToContainTextOptions { Timeout = 2000 });
        var elapsed = dropped.Elapsed;
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"), "the page was reloaded");
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"export to phone took {elapsed.TotalMilliseconds:F0} ms");
        await Expect(page.Locator("tbody tr").Nth(1)).ToContainTextAsync("+1:40");
        await Chromium.ScreenshotAsync(page, "orienteering-class-updated");

        await page.GotoAsync("/o");
        await Expect(page.Locator(".list a").First).ToContainTextAsync("W1F");
        await page.FillAsync("input[name=q]", "hilltop");
        await page.ClickAsync("form[role=search] button");
        await Expect(page.Locator(".list a")).ToHaveCountAsync(2);
        await Chromium.ScreenshotAsync(page, "orienteering-search");
    }

    /// <summary>
    /// A Junior Nationals-sized export: 30 classes of 40 competitors with long names and clubs, 10 of each class still
    /// out with radio punches; the results and radio screens on a full HD screen and a phone.
    /// </summary>
    [Theory]
    [InlineData(390, 844)]
    [InlineData(1920, 1080)]
    public async Task The_orienteering_screens_fit_the_screen_and_follow_a_new_export_without_a_reload(int width, int height)
    {
        using var o = new OrienteeringBox();
        using var meet = OrienteeringDisplayTests.Meet();
        await using var box = await TestBox.StartAsync(null, [meet.Setting, .. o.Settings()[1..]]);
        o.Drop("results.xml", BigExport(leader: "Maximiliana"));
        await OrienteeringBox.WaitAsync(box, c => OrienteeringBox.HasClass(c, "Class 30 Long Course Varsity Girls"), "the export");
        await using var screen = width < 1000
            ? await chromium.PhoneAsync(box.Http.BaseAddress!.ToString(), width, height)
            : await chromium.FullHdScreenAsync(box.Http.BaseAddress!.ToString());
        var page = await screen.NewPageAsync();

        await page.GotoAsync($"/d/{OrienteeringDisplayTests.RadioDisplay}");
        await Expect(page.Locator("h2").First).ToHaveTextAsync("At the radio controls");
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(OrienteeringDisplays.RadioRows + OrienteeringDisplays.RadioFinishedRows);
        await Task.Delay(300);
        await Chromium.ScreenshotAsync(page, $"orienteering-radio-{width}x{height}", fullPage: false);
        await DisplayBrowserTests.AssertFitsAsync(page, "h1, h2, tbody tr, td, p, .clock");

        // Pinned to its first page, so the page does not turn while it is measured.
        await page.GotoAsync($"/d/{OrienteeringDisplayTests.ResultsDisplay}?page=1");
        await Expect(page.Locator("tbody tr").First).ToContainTextAsync("Maximiliana");
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(10);
        await Task.Delay(300);
        await Chromium.ScreenshotAsync(page, $"orienteering-results-{width}x{height}", fullPage: false);
        await DisplayBrowserTests.AssertFitsAsync(page, "h1, h2, tbody tr, td, p");
        await DisplayBrowserTests.AssertOneLineRowsAsync(page, "tbody tr");

        await page.EvaluateAsync("() => { window.stillTheSamePage = true; }");
        var dropped = Stopwatch.StartNew();
        o.Drop("results.xml", BigExport(leader: "Bartholomew").Replace("createTime=\"2026-05-02T12:00:00-07:00\"", "createTime=\"2026-05-02T12:01:00-07:00\"", StringComparison.Ordinal));
        await Expect(page.Locator("tbody tr").First).ToContainTextAsync("Bartholomew", new LocatorAssertionsToContainTextOptions { Timeout = 2000 });
        Assert.True(dropped.Elapsed < TimeSpan.FromSeconds(2), $"export to screen took {dropped.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"), "the screen was reloaded");
    }

    private static string BigExport(string leader)
    {
        var classes = new System.Text.StringBuilder();
        for (var c = 1; c <= 30; c++)
        {
            var persons = new System.Text.StringBuilder();
            for (var i = 1; i <= 40; i++)
            {
                var given = i == 1 ? leader : $"Runner{i:00}";
                if (i > 30)
                {
                    // Still out: a start and radio punches at 31 and 32, later for later starters.
                    var start = TimeSpan.FromHours(10) + TimeSpan.FromMinutes(i);
                    persons.Append(OrienteeringDisplayTests.Runner(given + " Featherstonehaugh-Smythe", "Active", start.ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture), null, null, ("31", 300 + i), ("32", 600 + c)));
                    continue;
                }

                var started = TimeSpan.FromHours(9) + TimeSpan.FromMinutes(i);
                persons.Append(OrienteeringDisplayTests.Runner(given + " Featherstonehaugh-Smythe", "OK", started.ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture), 1800 + 7 * i + c, null, ("31", 250 + i), ("32", 500 + i)));
            }

            classes.Append(IofXml.ClassResult($"C{c:00}", persons.ToString(), name: $"Class {c:00} Long Course Varsity Girls"));
        }

        return IofXml.List(classes.ToString()).Replace("<Name>Club R</Name>", "<Name>Cascade Orienteering Club of the Pacific Northwest</Name>", StringComparison.Ordinal);
    }
}
