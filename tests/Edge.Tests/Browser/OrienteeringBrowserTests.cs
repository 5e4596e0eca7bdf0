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
}
