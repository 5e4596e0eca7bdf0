using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Tests.Support;

namespace Edge.Tests.Web;

/// <summary>The JSON API's contract (DESIGN.md, runtime contract): races, result rows, participants.</summary>
public class ResultsApiTests(RaceScenario.Fixture race) : IClassFixture<RaceScenario.Fixture>
{
    private HttpClient Http => race.Box.Http;

    [Fact]
    public async Task Races_list_each_race_with_its_counts()
    {
        var races = await Http.GetFromJsonAsync<JsonElement>("/api/races");
        Assert.Equal(["10k", "5k"], races.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        var tenK = races[0];
        Assert.Equal("10K", tenK.GetProperty("name").GetString());
        Assert.Equal(10, tenK.GetProperty("distanceKm").GetDouble());
        Assert.Equal("08:00:00.00", tenK.GetProperty("gunTime").GetString());
        var counts = tenK.GetProperty("counts");
        Assert.Equal((3, 1, 1, 3, 2, 8), (counts.GetProperty("finished").GetInt32(), counts.GetProperty("onCourse").GetInt32(), counts.GetProperty("started").GetInt32(),
            counts.GetProperty("registered").GetInt32(), counts.GetProperty("stillOut").GetInt32(), counts.GetProperty("total").GetInt32()));
    }

    [Fact]
    public async Task Result_rows_carry_bib_name_status_times_and_places()
    {
        var rows = await Http.GetFromJsonAsync<JsonElement>("/api/races/10k/results");
        Assert.Equal(["103", "101", "105", "102", "104", "106", "107", "1010"], rows.EnumerateArray().Select(r => r.GetProperty("bib").GetString()));
        var zoe = rows[1];
        Assert.Equal("Zoë Ångström", zoe.GetProperty("name").GetString());
        Assert.Equal("finished", zoe.GetProperty("status").GetString());
        Assert.Equal("0:42:07.43", zoe.GetProperty("chipTime").GetString());
        Assert.Equal("0:42:12.14", zoe.GetProperty("gunTime").GetString());
        Assert.Equal((2, 2, 1), (zoe.GetProperty("place").GetInt32(), zoe.GetProperty("genderPlace").GetInt32(), zoe.GetProperty("divisionPlace").GetInt32()));
        Assert.Equal("F 30-39", zoe.GetProperty("division").GetString());
        Assert.Equal("4:12", zoe.GetProperty("pacePerKm").GetString());
        var split = Assert.Single(zoe.GetProperty("splits").EnumerateArray());
        Assert.Equal(("5k", "0:21:35.29"), (split.GetProperty("location").GetString(), split.GetProperty("time").GetString()));

        foreach (var row in rows.EnumerateArray().Where(r => r.GetProperty("status").GetString() == "finished"))
        {
            Assert.Matches(@"^\d+:\d\d:\d\d\.\d\d$", row.GetProperty("chipTime").GetString());
            Assert.Matches(@"^\d+:\d\d:\d\d\.\d\d$", row.GetProperty("gunTime").GetString());
        }

        var jose = rows[4];
        Assert.Equal(("onCourse", "5k"), (jose.GetProperty("status").GetString(), jose.GetProperty("lastLocation").GetString()));
        Assert.Equal(JsonValueKind.Null, jose.GetProperty("chipTime").ValueKind);
        Assert.Equal(JsonValueKind.Null, jose.GetProperty("place").ValueKind);
        Assert.Equal("started", rows[3].GetProperty("status").GetString());
        Assert.Equal("registered", rows[5].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, rows[5].GetProperty("start").ValueKind);
        Assert.Equal("08:00:04.71", zoe.GetProperty("start").GetString());
    }

    [Fact]
    public async Task Result_rows_filter_and_page()
    {
        var women = await Http.GetFromJsonAsync<JsonElement>("/api/races/10k/results?gender=F&offset=1&limit=2");
        Assert.Equal(["101", "105"], women.EnumerateArray().Select(r => r.GetProperty("bib").GetString()));
        var division = await Http.GetFromJsonAsync<JsonElement>("/api/races/10k/results?division=" + Uri.EscapeDataString("M 30-39"));
        Assert.Equal(["104", "1010"], division.EnumerateArray().Select(r => r.GetProperty("bib").GetString()));
    }

    [Fact]
    public async Task Participants_list_the_roster_with_status()
    {
        var participants = await Http.GetFromJsonAsync<JsonElement>("/api/participants");
        Assert.Equal(10, participants.GetArrayLength());
        var zoe = participants.EnumerateArray().Single(p => p.GetProperty("bib").GetString() == "101");
        Assert.Equal(
            ("Zoë", "Ångström", "F", 34, "10k", "Seattle", "WA", "Lakeside Striders", "finished"),
            (zoe.GetProperty("firstName").GetString(), zoe.GetProperty("lastName").GetString(), zoe.GetProperty("gender").GetString(), zoe.GetProperty("age").GetInt32(),
                zoe.GetProperty("race").GetString(), zoe.GetProperty("city").GetString(), zoe.GetProperty("state").GetString(), zoe.GetProperty("team").GetString(),
                zoe.GetProperty("status").GetString()));
        Assert.Equal("registered", participants.EnumerateArray().Single(p => p.GetProperty("bib").GetString() == "202").GetProperty("status").GetString());
    }

    [Fact]
    public async Task One_participant_by_bib_and_404_as_json_for_an_unknown_one()
    {
        var ann = await Http.GetFromJsonAsync<JsonElement>("/api/participants/103");
        Assert.Equal(("Ann Lee", "finished", "0:39:55.00", 1), (ann.GetProperty("name").GetString(), ann.GetProperty("status").GetString(),
            ann.GetProperty("chipTime").GetString(), ann.GetProperty("place").GetInt32()));

        using var missing = await Http.GetAsync("/api/participants/999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("No participant has bib '999'.", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());

        using var noRace = await Http.GetAsync("/api/races/marathon/results");
        Assert.Equal(HttpStatusCode.NotFound, noRace.StatusCode);
        using var badLimit = await Http.GetAsync("/api/races/10k/results?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Contains("'limit' must be a whole number", (await badLimit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_unchanged_result_list_revalidates_with_its_etag_and_no_body()
    {
        using var first = await Http.GetAsync("/api/races/10k/results");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.True(etag.IsWeak);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/races/10k/results");
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var other = new HttpRequestMessage(HttpMethod.Get, "/api/races/10k/results");
        other.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"someone-else\""));
        using var full = await Http.SendAsync(other);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal(etag, full.Headers.ETag);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await full.Content.ReadAsStringAsync());
    }
}
