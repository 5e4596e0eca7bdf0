using System.Net;
using System.Text.Json;
using Edge.Appliance.Screens;
using Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Tests.Screens;

/// <summary>Templates and displays made in the console: log entries that outlive the box, exported to the meet folder only when asked.</summary>
public class ScreenDesignTests
{
    private const string Finish = """{ "id": "big-finish", "name": "Big finish", "layout": "finish", "races": ["10k"], "fields": ["bib", "name", "time"], "rowsPerPage": 6 }""";

    [Fact]
    public async Task Templates_and_displays_survive_a_restart_of_the_box()
    {
        using var meet = ScreenSupport.Meet();
        var dataDir = TempDir.Create("box");
        try
        {
            string id;
            await using (var box = await TestBox.StartAsync(dataDir, meet.Setting))
            {
                using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
                await ScreenSupport.SaveTemplateAsync(timer, Finish);
                id = await ScreenSupport.CreateDisplayAsync(timer, "Arch screen", "big-finish");
                Assert.Contains("<title>Arch screen</title>", await ScreenSupport.DisplayPageAsync(box.Http, id), StringComparison.Ordinal);
            }

            await using var again = await TestBox.StartAsync(dataDir, meet.Setting);
            var page = await ScreenSupport.DisplayPageAsync(again.Http, id);
            Assert.Contains("<title>Arch screen</title>", page, StringComparison.Ordinal);
            Assert.Contains("<h1>Big finish</h1>", page, StringComparison.Ordinal);
            var template = again.Services.GetRequiredService<ScreenDesigns>().Current.Templates["big-finish"];
            Assert.Equal(["bib", "name", "time"], template.Fields);
            Assert.Equal(6, template.RowsPerPage);
            Assert.False(File.Exists(Path.Combine(meet.Path, ScreenDesigns.FileName)), "nothing is written into the meet folder without an export");
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }

    [Fact]
    public async Task A_revoked_display_answers_404_and_an_unknown_one_too()
    {
        using var meet = ScreenSupport.Meet();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        await ScreenSupport.SaveTemplateAsync(timer, Finish);
        var id = await ScreenSupport.CreateDisplayAsync(timer, "Arch screen", "big-finish");
        Assert.Equal(HttpStatusCode.OK, (await box.Http.GetAsync($"/d/{id}/style.css")).StatusCode);
        Assert.Contains("revoked", await timer.DoAsync("/admin/screens", "/admin/screens/revoke", ("id", id)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync($"/d/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync($"/d/{id}?fragment=1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync($"/d/{id}/style.css")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync($"/d/{new string('0', 32)}")).StatusCode);
        // Revoked for good: the console cannot point it at a template again.
        var again = await timer.PostFormAsync("/admin/screens", "/admin/screens/display", ("id", id), ("name", "Back"), ("template", "big-finish"));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync($"/d/{id}")).StatusCode);
    }

    [Fact]
    public async Task Export_writes_displays_json_and_a_fresh_box_with_only_that_meet_folder_shows_the_same_displays()
    {
        using var meet = ScreenSupport.Meet();
        string id;
        await using (var box = await TestBox.StartAsync(null, meet.Setting))
        {
            using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
            await ScreenSupport.SaveTemplateAsync(timer, Finish.Replace("\"rowsPerPage\": 6", "\"rowsPerPage\": 6, \"colours\": { \"background\": \"#102030\" }", StringComparison.Ordinal));
            id = await ScreenSupport.CreateDisplayAsync(timer, "Arch screen", "big-finish");
            Assert.Contains(ScreenDesigns.FileName, await timer.DoAsync("/admin/screens", "/admin/screens/export"), StringComparison.Ordinal);
        }

        var path = Path.Combine(meet.Path, ScreenDesigns.FileName);
        using (var file = JsonDocument.Parse(await File.ReadAllTextAsync(path)))
        {
            Assert.Equal("big-finish", file.RootElement.GetProperty("templates").EnumerateArray().Single().GetProperty("id").GetString());
            Assert.Equal(id, file.RootElement.GetProperty("displays").EnumerateArray().Single().GetProperty("id").GetString());
        }

        Assert.False(File.Exists(path + ".tmp"));
        await using var fresh = await TestBox.StartAsync(null, meet.Setting);
        var page = await ScreenSupport.DisplayPageAsync(fresh.Http, id);
        Assert.Contains("<h1>Big finish</h1>", page, StringComparison.Ordinal);
        Assert.Contains("background:#102030", await fresh.Http.GetStringAsync($"/d/{id}/style.css"), StringComparison.Ordinal);
        // meet.json's own displays are not copied into the file, and still work.
        Assert.Equal(HttpStatusCode.OK, (await fresh.Http.GetAsync($"/d/{TestMeet.FinishDisplay}")).StatusCode);

        // The log wins over the file for the same id.
        using var timer2 = await ConsoleClient.SignInAsync(fresh, ConsoleClient.Password);
        await ScreenSupport.SaveTemplateAsync(timer2, Finish.Replace("Big finish", "From the log", StringComparison.Ordinal));
        Assert.Contains("<h1>From the log</h1>", await ScreenSupport.DisplayPageAsync(fresh.Http, id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_layout_renders_with_the_template_fields_and_a_split_shows_both_halves()
    {
        using var meet = ScreenSupport.Meet();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        string[] layouts = ["finish", "leaderboard", "onCourse", "announcer", "slideshow", "message"];
        foreach (var layout in layouts)
        {
            await ScreenSupport.SaveTemplateAsync(timer, $$"""{ "id": "{{layout}}", "name": "L {{layout}}", "layout": "{{layout}}", "message": "Hello <b>", "fields": ["name", "hometown"] }""");
            var id = await ScreenSupport.CreateDisplayAsync(timer, layout, layout);
            var page = await ScreenSupport.DisplayPageAsync(box.Http, id);
            Assert.Contains($"L {layout}", page, StringComparison.Ordinal);
            Assert.Contains($"/d/{id}/style.css?v=", page, StringComparison.Ordinal);
        }

        await ScreenSupport.SaveTemplateAsync(timer, """{ "id": "both", "name": "Both", "layout": "split", "parts": ["message", "finish"] }""");
        var split = await ScreenSupport.DisplayPageAsync(box.Http, await ScreenSupport.CreateDisplayAsync(timer, "Both", "both"));
        Assert.Contains("Hello &lt;b&gt;", split, StringComparison.Ordinal);
        Assert.Contains("<h1>L finish</h1>", split, StringComparison.Ordinal);
        Assert.Equal(2, split.Split("class=\"half\"").Length - 1);
    }

    [Fact]
    public async Task A_screen_stream_sends_the_new_design_and_a_phone_stream_hears_nothing_of_it()
    {
        using var meet = ScreenSupport.Meet();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        await ScreenSupport.SaveTemplateAsync(timer, Finish);
        var id = await ScreenSupport.CreateDisplayAsync(timer, "Arch screen", "big-finish");
        using var screen = await SseReader.OpenAsync(box.Http, $"/d/{id}/events");
        using var phone = await SseReader.OpenAsync(box.Http, "/events?race=5k");
        // An opened stream gets what the screen shows now: its style sheet and its fragment, the box's time first.
        var style = await screen.WaitForAsync(e => e.Event == "style", TimeSpan.FromSeconds(2));
        Assert.StartsWith($"/d/{id}/style.css?v=", style.Data, StringComparison.Ordinal);
        var first = await screen.WaitForAsync(e => e.Event == "screen", TimeSpan.FromSeconds(2));
        var lines = first.Data.Split('\n', 2);
        Assert.InRange(long.Parse(lines[0], System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddSeconds(-5).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Contains("<h1>Big finish</h1>", lines[1], StringComparison.Ordinal);

        await ScreenSupport.SaveTemplateAsync(timer, Finish.Replace("Big finish", "Bigger", StringComparison.Ordinal));
        var changed = await screen.WaitForAsync(e => e.Event == "screen", TimeSpan.FromSeconds(2));
        Assert.Contains("<h1>Bigger</h1>", changed.Data, StringComparison.Ordinal);
        var seen = new List<string>();
        // The phone's stream goes quiet (its reader times out): a screen's design is nothing to a phone.
        var quiet = await Record.ExceptionAsync(async () =>
        {
            while (await phone.NextAsync(TimeSpan.FromMilliseconds(700)) is { } e)
            {
                seen.Add(e.Event);
            }
        });
        Assert.IsAssignableFrom<OperationCanceledException>(quiet);
        Assert.DoesNotContain(seen, e => e != "message");

        // Revoked: the open screen is told at once that its address is gone.
        await timer.DoAsync("/admin/screens", "/admin/screens/revoke", ("id", id));
        await screen.WaitForAsync(e => e.Event == "gone", TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_template_no_screen_shows_can_be_removed_and_stays_removed_after_a_restart()
    {
        using var meet = ScreenSupport.Meet();
        var dataDir = TempDir.Create("box");
        try
        {
            await using (var box = await TestBox.StartAsync(dataDir, meet.Setting))
            {
                using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
                await ScreenSupport.SaveTemplateAsync(timer, Finish);
                await ScreenSupport.SaveTemplateAsync(timer, """{ "id": "spare", "name": "Spare slide", "layout": "message", "message": "Hi" }""");
                await ScreenSupport.SaveTemplateAsync(timer, """{ "id": "pair", "name": "Pair", "layout": "split", "parts": ["spare", "big-finish"] }""");
                var id = await ScreenSupport.CreateDisplayAsync(timer, "Arch screen", "big-finish");

                // Still shown: by a display, or as half of a split; meet.json's own are the meet folder's to remove.
                using var shown = await timer.PostFormAsync("/admin/screens", "/admin/screens/template/remove", ("id", "big-finish"));
                Assert.Equal(HttpStatusCode.BadRequest, shown.StatusCode);
                Assert.Contains("still shown by Arch screen, the split Pair", await shown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                using var builtIn = await timer.PostFormAsync("/admin/screens", "/admin/screens/template/remove", ("id", TestMeet.FinishDisplay));
                Assert.Equal(HttpStatusCode.BadRequest, builtIn.StatusCode);
                Assert.Contains("comes from meet.json", await builtIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);

                Assert.Contains("Template Pair removed.", await timer.DoAsync("/admin/screens", "/admin/screens/template/remove", ("id", "pair")), StringComparison.Ordinal);
                Assert.Contains("Template Spare slide removed.", await timer.DoAsync("/admin/screens", "/admin/screens/template/remove", ("id", "spare")), StringComparison.Ordinal);
                Assert.DoesNotContain("Spare slide", await timer.PageAsync("/admin/screens"), StringComparison.Ordinal);
                Assert.Contains("Big finish", await ScreenSupport.DisplayPageAsync(box.Http, id), StringComparison.Ordinal);
            }

            await using var again = await TestBox.StartAsync(dataDir, meet.Setting);
            using var timer2 = await ConsoleClient.SignInAsync(again, ConsoleClient.Password);
            var page = await timer2.PageAsync("/admin/screens");
            Assert.DoesNotContain("Spare slide", page, StringComparison.Ordinal);
            Assert.Contains("Big finish", page, StringComparison.Ordinal);
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }

    [Fact]
    public async Task A_broken_displays_json_is_left_unread_and_meet_json_displays_keep_working()
    {
        using var meet = ScreenSupport.Meet();
        await File.WriteAllTextAsync(Path.Combine(meet.Path, ScreenDesigns.FileName),
            """{ "templates": [ { "id": "x", "name": "X", "layout": "finish", "script": "alert(1)" } ], "displays": [] }""");
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        Assert.Equal(HttpStatusCode.OK, (await box.Http.GetAsync($"/d/{TestMeet.FinishDisplay}")).StatusCode);
        Assert.DoesNotContain("x", box.Services.GetRequiredService<ScreenDesigns>().Current.Templates.Keys);
    }

    [Theory]
    [InlineData("{ \"id\": \"t1\", \"name\": \"T\", \"layout\": \"finish\"", "not JSON")]
    [InlineData("{ \"id\": \"t1\", \"name\": \"T\", \"layout\": \"finish\", \"font\": \"Comic\" }", "'font' is not a field")]
    [InlineData("{ \"id\": \"t1\", \"name\": \"T\", \"layout\": \"marquee\" }", "not a layout")]
    [InlineData("{ \"id\": \"t1\", \"name\": \"T\", \"layout\": \"finish\", \"colours\": { \"background\": \"red;}body{x\" } }", "#rrggbb")]
    [InlineData("{ \"id\": \"t1\", \"name\": \"T\", \"layout\": \"finish\", \"rowsPerPage\": 5000 }", "rowsPerPage")]
    [InlineData("{ \"id\": \"t1\", \"name\": \"T\", \"layout\": \"finish\", \"fields\": [\"bib\", \"salary\"] }", "'salary' is not a field")]
    [InlineData("{ \"id\": \"t1\", \"name\": \"T\", \"layout\": \"finish\", \"races\": [\"marathon\"] }", "no race 'marathon'")]
    [InlineData("{ \"id\": \"../x\", \"name\": \"T\", \"layout\": \"finish\" }", "template id")]
    [InlineData("{ \"id\": \"t1\", \"name\": \"T\", \"layout\": \"split\", \"parts\": [\"nope\", \"also\"] }", "split")]
    public async Task Malformed_template_json_is_refused_with_a_message_and_nothing_is_stored(string json, string message)
    {
        using var meet = ScreenSupport.Meet();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        var answer = await timer.PostFormAsync("/admin/screens", "/admin/screens/json", ("json", json));
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(message), await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("t1", box.Services.GetRequiredService<ScreenDesigns>().Current.Templates.Keys);
    }

    [Theory]
    [InlineData("rowsPerPage", "many", "Rows per page is a whole number")]
    [InlineData("rowsPerPage", "0", "rowsPerPage is a whole number from 1 to 30")]
    [InlineData("background", "javascript:1", "#rrggbb")]
    [InlineData("fields", "bib, bib", "each once")]
    [InlineData("name", "", "needs a name")]
    [InlineData("logo", "../../etc/passwd", "logo image id")]
    public async Task Malformed_form_input_is_refused_with_a_message(string field, string value, string message)
    {
        using var meet = ScreenSupport.Meet();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        var fields = new Dictionary<string, string>
        {
            ["name"] = "Form made", ["layout"] = "leaderboard", ["fields"] = "place, name, time", ["textSize"] = "120", ["rowsPerPage"] = "8",
            ["secondsPerPage"] = "10", ["foreground"] = "#ffffff", ["background"] = "#000000", ["accent"] = "#ffd84d", ["message"] = "", ["logo"] = "", ["sponsor"] = "",
        };
        // The same form with good values is stored: the refusal below is the one field's doing.
        Assert.Contains("saved", await timer.DoAsync("/admin/screens", "/admin/screens/template", [.. fields.Select(f => (f.Key, f.Value))]), StringComparison.Ordinal);
        var stored = box.Services.GetRequiredService<ScreenDesigns>().Current.Templates.Count;
        fields[field] = value;
        var answer = await timer.PostFormAsync("/admin/screens", "/admin/screens/template", [.. fields.Select(f => (f.Key, f.Value))]);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(message), await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(stored, box.Services.GetRequiredService<ScreenDesigns>().Current.Templates.Count);
    }
}
