using System.Net;
using System.Text.RegularExpressions;
using Edge.Tests.Support;

namespace Edge.Tests.Screens;

/// <summary>The timer's side of the screens tests: a meet with a console password, and console forms for templates and displays.</summary>
public static partial class ScreenSupport
{
    public static TestMeet Meet() =>
        TestMeet.Create(TestMeet.StandardJson().Replace("\"races\":", ConsoleClient.MeetSection + "\n  \"races\":", StringComparison.Ordinal), TestMeet.SmallRoster);

    /// <summary>Saves a template through the console's JSON form; fails the test unless it was stored.</summary>
    public static Task<string> SaveTemplateAsync(ConsoleClient timer, string json) =>
        timer.DoAsync("/admin/screens", "/admin/screens/json", ("json", json));

    /// <summary>Creates a display showing <paramref name="template"/> and returns its id (read from the page, where its address is listed).</summary>
    public static async Task<string> CreateDisplayAsync(ConsoleClient timer, string name, string template)
    {
        var before = DisplayIds().Matches(await timer.PageAsync("/admin/screens")).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Contains("created", await timer.DoAsync("/admin/screens", "/admin/screens/display", ("name", name), ("template", template)), StringComparison.Ordinal);
        var after = DisplayIds().Matches(await timer.PageAsync("/admin/screens")).Select(m => m.Groups[1].Value).ToHashSet();
        return Assert.Single(after.Except(before));
    }

    public static async Task<string> DisplayPageAsync(HttpClient http, string id)
    {
        var answer = await http.GetAsync($"/d/{id}");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return await answer.Content.ReadAsStringAsync();
    }

    [GeneratedRegex("href=\"/d/([0-9a-f]{32})\"")]
    private static partial Regex DisplayIds();
}
