using Edge.Tests.Support;
using Edge.Tests.Web;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Edge.Tests.Browser;

/// <summary>
/// On a 360×740 phone: the race page's first time is the ranking one, in order, and a long hometown stays on one
/// line (ending in an ellipsis) in the race results and the search list. Screenshots are kept in tests/artifacts/screenshots.
/// </summary>
[Collection(BrowserCollection.Name)]
public class RankingBrowserTests(Chromium chromium)
{
    /// <summary>How many lines each occurrence of a text in the main region is laid out on.</summary>
    private const string LinesOf = """
        text => {
          const lines = [];
          const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode, at = node.data.indexOf(text);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + text.length);
            lines.push(new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size);
          }
          return lines;
        }
        """;

    [Fact]
    public async Task Ranking_time_leads_each_row_and_a_long_hometown_keeps_to_one_line_on_a_phone()
    {
        using var meet = RankingMeet.Create();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        await RankingMeet.FeedAsync(box);
        await using var phone = await chromium.PhoneAsync(box.Http.BaseAddress!.ToString());
        var page = await phone.NewPageAsync();

        await page.GotoAsync("/races/10k");
        await Expect(page.Locator("thead th").Last).ToHaveTextAsync("Gun time");
        var first = await page.Locator("tbody tr td.r:last-child").EvaluateAllAsync<string[]>("cells => cells.slice(0, 3).map(c => c.firstChild.textContent)");
        Assert.Equal([RankingMeet.Times["101"]["Gun"], RankingMeet.Times["105"]["Gun"], RankingMeet.Times["103"]["Gun"]], first);
        await AssertOneLineAsync(page, RankingMeet.LongCity);
        await AssertFitsAsync(page);
        await Chromium.ScreenshotAsync(page, "phone-race-ranked-by-gun");

        await page.GotoAsync("/search?q=ann");
        await Expect(page.Locator("a[href='/participants/103']")).ToContainTextAsync("3rd · Gun 0:41:00.00 · Chip 0:39:00.00");
        await AssertOneLineAsync(page, RankingMeet.LongCity);
        await AssertFitsAsync(page);
        await Chromium.ScreenshotAsync(page, "phone-search-place-and-time");

        await page.GotoAsync("/races/5k");
        await Expect(page.Locator("thead th").Last).ToHaveTextAsync("Chip time");
        await Expect(page.Locator("tbody tr").First).ToContainTextAsync("Eve Ng");
        await Chromium.ScreenshotAsync(page, "phone-race-ranked-by-chip");
    }

    private static async Task AssertOneLineAsync(IPage page, string text)
    {
        var lines = await page.EvaluateAsync<int[]>(LinesOf, text);
        Assert.NotEmpty(lines);
        Assert.All(lines, n => Assert.Equal(1, n));
    }

    private static async Task AssertFitsAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 360, $"{page.Url} is wider than 360 px");
}
