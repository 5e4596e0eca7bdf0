using Edge.Tests.Screens;
using Edge.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Edge.Tests.Browser;

/// <summary>
/// A screen showing a display in a real browser at 1920×1080 follows the timer's template changes without a reload,
/// says "Offline" while the box is away, and carries on by itself when the box is back.
/// </summary>
[Collection(BrowserCollection.Name)]
public class TemplateBrowserTests(Chromium chromium)
{
    private const string Template = """{ "id": "arch", "name": "Before", "layout": "message", "message": "Welcome" }""";

    [Fact]
    public async Task A_template_change_made_in_the_console_appears_on_an_open_display_within_2_s()
    {
        using var meet = ScreenSupport.Meet();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        await ScreenSupport.SaveTemplateAsync(timer, Template);
        var id = await ScreenSupport.CreateDisplayAsync(timer, "Arch", "arch");

        await using var screen = await chromium.FullHdScreenAsync(box.Http.BaseAddress!.ToString());
        var page = await screen.NewPageAsync();
        await page.GotoAsync($"/d/{id}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Before");
        Assert.Equal("rgb(0, 0, 0)", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
        await page.EvaluateAsync("() => { window.notReloaded = true; }");
        // Wait for the stream to be open, so the change is not picked up by a reconnect instead.
        await Expect(page.Locator("#off")).ToBeHiddenAsync();
        await Task.Delay(500);

        await timer.DoAsync("/admin/screens", "/admin/screens/json",
            ("json", """{ "id": "arch", "name": "After", "layout": "message", "message": "Thanks to our sponsors", "colours": { "background": "#003399" } }"""));
        await Expect(page.Locator("h1")).ToHaveTextAsync("After", new() { Timeout = 2000 });
        await Expect(page.Locator("p.msg")).ToHaveTextAsync("Thanks to our sponsors", new() { Timeout = 500 });
        await page.WaitForFunctionAsync("() => getComputedStyle(document.body).backgroundColor === 'rgb(0, 51, 153)'", null, new() { Timeout = 2000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "the page was reloaded");
        await Chromium.ScreenshotAsync(page, "template-1080-message", fullPage: false);
    }

    [Fact]
    public async Task The_console_previews_each_display_live_as_its_screen_shows_it()
    {
        using var meet = ScreenSupport.Meet();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        await ScreenSupport.SaveTemplateAsync(timer, Template);
        var id = await ScreenSupport.CreateDisplayAsync(timer, "Arch", "arch");

        await using var laptop = await chromium.FullHdScreenAsync(box.Http.BaseAddress!.ToString());
        var console = await ConsoleBrowserTests.SignInAsync(laptop);
        await console.GotoAsync("/admin/screens");
        var preview = console.FrameLocator($"iframe[src='/d/{id}']");
        await Expect(preview.Locator("h1")).ToHaveTextAsync("Before");
        // The preview is the 1920x1080 screen at a sixth: its frame fits the card, and nothing of the console is cut.
        var box320 = await console.Locator($"iframe[src='/d/{id}']").EvaluateAsync<double>("f => f.getBoundingClientRect().width");
        Assert.InRange(box320, 319, 321);
        await Expect(preview.Locator("#off")).ToBeHiddenAsync();
        await Task.Delay(300);

        await timer.DoAsync("/admin/screens", "/admin/screens/json", ("json", Template.Replace("Before", "After", StringComparison.Ordinal)));
        await Expect(preview.Locator("h1")).ToHaveTextAsync("After", new() { Timeout = 2000 });
        await Chromium.ScreenshotAsync(console, "console-screens-preview", fullPage: true);
    }

    [Fact]
    public async Task A_display_says_offline_while_the_box_is_down_and_follows_it_again_after_a_restart()
    {
        using var meet = ScreenSupport.Meet();
        var dataDir = TempDir.Create("box");
        var urls = $"--urls=http://127.0.0.1:{TempDir.FreeTcpPort()}";
        try
        {
            var box = await TestBox.StartAsync(dataDir, meet.Setting, urls);
            string id;
            using (var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password))
            {
                await ScreenSupport.SaveTemplateAsync(timer, Template);
                id = await ScreenSupport.CreateDisplayAsync(timer, "Arch", "arch");
            }

            await using var screen = await chromium.FullHdScreenAsync(box.Http.BaseAddress!.ToString());
            var page = await screen.NewPageAsync();
            await page.GotoAsync($"/d/{id}");
            await Expect(page.Locator("h1")).ToHaveTextAsync("Before");
            await Expect(page.Locator("#off")).ToBeHiddenAsync();
            await page.EvaluateAsync("() => { window.notReloaded = true; }");

            await box.DisposeAsync();
            await Expect(page.Locator("#off")).ToBeVisibleAsync(new() { Timeout = 10_000 });
            await Chromium.ScreenshotAsync(page, "template-1080-offline", fullPage: false);

            await using var again = await TestBox.StartAsync(dataDir, meet.Setting, urls);
            Assert.Equal(box.Http.BaseAddress, again.Http.BaseAddress);
            await Expect(page.Locator("#off")).ToBeHiddenAsync(new() { Timeout = 15_000 });
            await Expect(page.Locator("h1")).ToHaveTextAsync("Before");
            using var timer2 = await ConsoleClient.SignInAsync(again, ConsoleClient.Password);
            await timer2.DoAsync("/admin/screens", "/admin/screens/json", ("json", Template.Replace("Before", "After the restart", StringComparison.Ordinal)));
            await Expect(page.Locator("h1")).ToHaveTextAsync("After the restart", new() { Timeout = 2000 });
            Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "the page was reloaded");
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }
}
