using System.Text.RegularExpressions;
using Edge.Tests.Support;
using Edge.Tests.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Edge.Tests.Browser;

/// <summary>
/// The timer's console in a real browser (Debian's Chromium): the timer on a phone-sized screen runs the race,
/// a desk phone is paired by scanning its QR code, and a spectator's page follows. Screenshots in tests/artifacts/screenshots.
/// </summary>
[Collection(BrowserCollection.Name)]
public class ConsoleBrowserTests(Chromium chromium)
{
    private static TestMeet Meet() =>
        TestMeet.Create(TestMeet.StandardJson().Replace("\"races\":", ConsoleClient.MeetSection + "\n  \"races\":", StringComparison.Ordinal), TestMeet.SmallRoster);

    internal static async Task<IPage> SignInAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/admin");
        await Expect(page).ToHaveURLAsync(new Regex("/admin/signin"));
        await Chromium.ScreenshotAsync(page, "console-signin");
        await page.FillAsync("input[name=password]", ConsoleClient.Password);
        await page.ClickAsync("main form button");
        await Expect(page).ToHaveURLAsync(new Regex("/admin/timing$"));
        return page;
    }

    [Fact]
    public async Task The_timer_starts_a_gun_enters_a_hand_time_and_a_dnf_and_a_spectator_page_follows()
    {
        using var meet = Meet();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        await using var timerPhone = await chromium.PhoneAsync(box.Http.BaseAddress!.ToString());
        var console = await SignInAsync(timerPhone);
        await Expect(console.Locator("main")).ToContainTextAsync("No timing connection is open");

        // A connection appears on the open page without a reload.
        using var feed = await TimingFeed.ConnectAsync(box.TimingPort);
        await Expect(console.Locator("#live")).ToContainTextAsync("Connected", new() { Timeout = 10_000 });
        await Chromium.ScreenshotAsync(console, "console-timing");

        // Gun: the confirmation dialog is accepted; the race shows its gun and where it came from.
        console.Dialog += (_, dialog) => dialog.AcceptAsync();
        await console.ClickAsync("nav a[href='/admin/gun']");
        await console.ClickAsync("form[action='/admin/gun/now'] button >> text=Start 5K now");
        await Expect(console.Locator(".good")).ToContainTextAsync("Gun of 5k started");
        await Expect(console.Locator(".card", new() { HasText = "5K" })).ToContainTextAsync("set on the console by timer");
        await Chromium.ScreenshotAsync(console, "console-gun");

        await feed.GunAsync("08:00:00.00");
        await feed.ReadsAsync(("start", "101", "08:00:04.71"), ("start", "103", "08:00:05.00"));
        await box.WaitForResultsAsync(s => s.ByBib["103"].Status == Appliance.Results.ParticipantStatus.Started, "the starts");

        // A spectator follows bib 103 on their phone.
        await using var spectator = await chromium.PhoneAsync(box.Http.BaseAddress!.ToString());
        var runner = await spectator.NewPageAsync();
        await runner.GotoAsync("/participants/103");
        await Expect(runner.Locator("#status")).Not.ToHaveTextAsync("Finished");

        await console.ClickAsync("nav a[href='/admin/corrections']");
        var hand = console.Locator("form[action='/admin/corrections/manual']");
        await hand.Locator("input[name=bib]").FillAsync("103");
        await hand.Locator("input[name=time]").FillAsync("9:01:02.5");
        await hand.Locator("button").ClickAsync();
        await Expect(console.Locator(".good")).ToContainTextAsync("Bib 103: hand time 9:01:02.5 added");
        await Expect(runner.Locator("#status")).ToHaveTextAsync("Finished", new() { Timeout = 5_000 });

        var dnf = console.Locator("form[action='/admin/corrections/dnf']");
        await dnf.Locator("input[name=bib]").FillAsync("101");
        await dnf.Locator("button").ClickAsync();
        await Expect(console.Locator("table")).ToContainTextAsync("Bib 101: did not finish");
        await Chromium.ScreenshotAsync(console, "console-corrections");
        await runner.GotoAsync("/participants/101");
        await Expect(runner.Locator("#status")).ToHaveTextAsync("DNF");
    }

    [Fact]
    public async Task A_desk_phone_is_paired_by_scanning_the_code_and_assigns_a_chip()
    {
        using var meet = Meet();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        await using var laptop = await chromium.ScreenAsync(box.Http.BaseAddress!.ToString());
        var console = await SignInAsync(laptop);
        await console.ClickAsync("nav a[href='/admin/box']");
        await console.SelectOptionAsync("select[name=role]", "desk");
        await console.FillAsync("input[name=label]", "Desk 1");
        await console.ClickAsync("form[action='/admin/box/pair'] button");
        var qr = console.Locator("img.qr");
        await Expect(qr).ToBeVisibleAsync();
        await Chromium.ScreenshotAsync(console, "console-pairing");

        // The helper's phone camera: decode the code the screen shows.
        var png = await qr.ScreenshotAsync();
        var url = await WifiSignTests.ZbarAsync(png);
        Assert.StartsWith(box.Http.BaseAddress!.ToString().TrimEnd('/') + "/admin/pair/", url, StringComparison.Ordinal);

        await using var deskPhone = await chromium.PhoneAsync(box.Http.BaseAddress!.ToString());
        var desk = await deskPhone.NewPageAsync();
        await desk.GotoAsync(url);
        await Expect(desk.Locator("main")).ToContainTextAsync("signed in as desk (Desk 1)");
        await desk.ClickAsync("main form button");
        await Expect(desk).ToHaveURLAsync(new Regex("/admin/desk$"));
        // The desk sees only its own page.
        Assert.Equal(["Desk"], await desk.Locator("nav a").AllTextContentsAsync());

        await desk.FillAsync("input[name=q]", "Lee");
        await desk.ClickAsync("form[action='/admin/desk'] button");
        var card = desk.Locator(".card", new() { HasText = "103 · Ann Lee" });
        await card.Locator("input[name=tag]").FillAsync("CHIP-103B");
        await card.Locator("button").ClickAsync();
        await Expect(desk.Locator(".good")).ToContainTextAsync("Chip CHIP-103B assigned to bib 103");
        // Back on the same lookup, ready for the next runner in the queue.
        await Expect(desk.Locator("input[type=search][name=q]")).ToHaveValueAsync("Lee");
        await Expect(desk.Locator(".card", new() { HasText = "103 · Ann Lee" })).ToContainTextAsync("and CHIP-103B from the desk");
        await Chromium.ScreenshotAsync(desk, "console-desk");

        // The timer's device list shows the desk phone, and revoking it signs it out.
        await console.GotoAsync("/admin/box");
        var row = console.Locator("tr", new() { HasText = "desk (Desk 1)" });
        await row.Locator("button").ClickAsync();
        await desk.GotoAsync("/admin/desk");
        await Expect(desk).ToHaveURLAsync(new Regex("/admin/signin"));
    }

    private static string Line(string location, int sequence, string tag, DateTimeOffset at) =>
        $"CT01_33~{sequence}~{location}~{tag}~{at.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ff}Z~{(tag == "guntime" ? 0 : 1)}~0F2A38~1";

    [Fact]
    public async Task The_timing_view_shows_a_connection_its_chart_moving_and_a_quiet_finish_mat_alarm()
    {
        using var meet = Meet();
        var clock = new SteppedClock();
        await using var box = await TestBox.StartWithAsync(services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton<Appliance.Ingest.TimeSourceProbe>(new FixedTimeSource(true));
        }, null, meet.Setting);
        await using var laptop = await chromium.ScreenAsync(box.Http.BaseAddress!.ToString());
        // Start just after a minute turns on the box's clock, so the reads below all land in its current minute's bar.
        var now = clock.GetUtcNow();
        clock.Step(TimeSpan.FromSeconds(61 - now.Second) - TimeSpan.FromMilliseconds(now.Millisecond));
        var console = await SignInAsync(laptop);
        await Expect(console.Locator("#live")).ToContainTextAsync("No timing connection is open");

        // The middleware connects: the connection appears and the start mat's chart fills as reads come in.
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync("finish-laptop", "start", "5k", "finish");
        string[] bibs = ["101", "102", "103", "104", "105"];
        var gun = clock.GetUtcNow();
        await client.SendAsync([Line("start", 1, "guntime", gun), .. bibs.Take(2).Select((b, i) => Line("start", i + 2, b, gun.AddSeconds(i + 1)))]);
        await Expect(console.Locator(".card[data-connection]", new() { HasText = "finish-laptop" })).ToContainTextAsync("Connected", new() { Timeout = 10_000 });
        var startBar = console.Locator("[data-location=start] svg rect").Last;
        await Expect(startBar.Locator("title")).ToHaveTextAsync("2", new() { Timeout = 10_000 });
        await client.SendAsync([.. bibs.Skip(2).Select((b, i) => Line("start", i + 4, b, gun.AddSeconds(i + 3)))]);
        await Expect(startBar.Locator("title")).ToHaveTextAsync("5", new() { Timeout = 10_000 });
        await Chromium.ScreenshotAsync(console, "console-timing-live");

        // Everyone passes 5 km at 25 minutes; the finish mat then sends nothing. At 57 minutes they are overdue there.
        clock.Step(TimeSpan.FromMinutes(25));
        var split = clock.GetUtcNow();
        await client.SendAsync([.. bibs.Select((b, i) => Line("5k", i + 1, b, split.AddSeconds(i)))]);
        await box.WaitForResultsAsync(r => bibs.All(b => r.ByBib[b].Splits.Count == 1), "five runners past 5 km");
        await Expect(console.Locator("#live .good")).ToHaveTextAsync("No alarms.");
        clock.Step(TimeSpan.FromMinutes(32));
        var alarm = console.Locator("#live .alarm[data-kind=matQuiet]");
        await Expect(alarm).ToContainTextAsync("finish", new() { Timeout = 15_000 });
        await Chromium.ScreenshotAsync(console, "console-timing-alarm");

        // The finish mat reads again: the alarm clears on the open page.
        await client.SendAsync(Line("finish", 1, "101", clock.GetUtcNow()));
        await Expect(alarm).ToHaveCountAsync(0, new() { Timeout = 15_000 });
    }
}
