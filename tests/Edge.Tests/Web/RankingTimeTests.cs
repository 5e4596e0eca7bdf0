using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Edge.Appliance.Meet;
using Edge.Tests.Support;

namespace Edge.Tests.Web;

/// <summary>
/// Every results view puts the time places go by first, and names it: the page, the CSV and the API, for a
/// gun-ranked race (the 10K) and a chip-ranked one (the 5K) whose runners started far enough apart that gun and
/// chip order differ.
/// </summary>
public partial class RankingTimeTests(RankingMeet.Fixture meet) : IClassFixture<RankingMeet.Fixture>
{
    private HttpClient Http => meet.Box.Http;

    [Theory]
    [InlineData("/races/10k", "Gun", "Chip", new[] { "101", "105", "103" })]
    [InlineData("/races/5k", "Chip", "Gun", new[] { "202", "201" })]
    [InlineData("/races/10k?gender=F", "Gun", "Chip", new[] { "101", "105", "103" })]
    public async Task Race_page_heads_its_time_column_with_the_ranking_time_and_names_the_other(string path, string ranking, string other, string[] bibs)
    {
        var html = await PageAsync(path);
        Assert.Contains($"places by {ranking.ToLowerInvariant()} time</p>", html);
        Assert.Contains($"<th>Name</th><th class=\"r\">{ranking} time</th>", html);
        var rows = RaceRow().Matches(html).Select(m => (Place: m.Groups[1].Value, Bib: m.Groups[2].Value, First: m.Groups[3].Value, Label: m.Groups[4].Value, Second: m.Groups[5].Value)).ToList();
        Assert.Equal(bibs, rows.Select(r => r.Bib));
        foreach (var row in rows)
        {
            Assert.Equal(RankingMeet.Times[row.Bib][ranking], row.First);
            Assert.Equal(other, row.Label);
            Assert.Equal(RankingMeet.Times[row.Bib][other], row.Second);
        }

        AssertInOrder(rows.Select(r => r.First));
    }

    [Theory]
    [InlineData("103", "Gun", "Chip")]
    [InlineData("202", "Chip", "Gun")]
    public async Task Participant_page_shows_the_ranking_time_first_and_says_places_go_by_it(string bib, string ranking, string other)
    {
        var html = await PageAsync($"/participants/{bib}");
        var times = RankingMeet.Times[bib];
        Assert.Contains($"<p class=\"big\" id=\"time\">{times[ranking]}</p><p class=\"s\" id=\"ranked\">{ranking} time · places by {ranking.ToLowerInvariant()} time</p>", html);
        Assert.Contains($"<table class=\"kv\"><tbody><tr><td>{ranking} time</td><td>{times[ranking]}</td></tr><tr><td>{other} time</td><td>{times[other]}</td></tr>", html);
    }

    [Theory]
    [InlineData("/finishers")]
    [InlineData("/")]
    public async Task Recent_finishers_of_races_ranked_differently_label_each_rows_times(string path)
    {
        var html = await PageAsync(path);
        Assert.Contains("<th>Finish</th><th>Name</th><th class=\"r\">Time</th>", html);
        var rows = FinisherRow().Matches(html).Select(m => (Bib: m.Groups[1].Value, FirstLabel: m.Groups[2].Value, First: m.Groups[3].Value, SecondLabel: m.Groups[4].Value, Second: m.Groups[5].Value)).ToList();
        Assert.Equal(RankingMeet.Reads.Count(r => r.Location == "finish"), rows.Count);
        foreach (var row in rows)
        {
            var (ranking, other) = RankingMeet.RankedBy(row.Bib);
            Assert.Equal((ranking, RankingMeet.Times[row.Bib][ranking]), (row.FirstLabel, row.First));
            Assert.Equal((other, RankingMeet.Times[row.Bib][other]), (row.SecondLabel, row.Second));
        }
    }

    [Theory]
    [InlineData("ann", "103", "3rd")]
    [InlineData("eve", "202", "1st")]
    [InlineData("dan", "201", "2nd")]
    public async Task Search_results_show_place_then_the_ranking_time_then_the_other(string query, string bib, string place)
    {
        var html = await PageAsync("/search?q=" + query);
        var (ranking, other) = RankingMeet.RankedBy(bib);
        var times = RankingMeet.Times[bib];
        Assert.Matches($"<li><a href=\"/participants/{bib}\"><b>[^<]+</b> #{bib}<span class=\"s h\">[^<]+</span><span class=\"s\">{place} · {ranking} {Regex.Escape(times[ranking])} · {other} {Regex.Escape(times[other])}</span></a></li>", html);
    }

    [Theory]
    [InlineData("10k", "gun_time", "chip_time", new[] { "101", "105", "103" })]
    [InlineData("5k", "chip_time", "gun_time", new[] { "202", "201" })]
    public async Task Results_csv_puts_the_ranking_time_column_first_of_the_two(string race, string ranking, string other, string[] bibs)
    {
        var rows = Csv.Parse(await Http.GetStringAsync($"/races/{race}/results.csv"), "results.csv");
        var header = rows[0].Fields.ToList();
        var first = header.FindIndex(h => h.EndsWith("_time", StringComparison.Ordinal));
        Assert.Equal((ranking, other), (header[first], header[first + 1]));
        Assert.Equal(["status", ranking, other, "gender_place"], header.Skip(first - 1).Take(4));
        var finishers = rows.Skip(1).Where(r => r.Fields[header.IndexOf("status")] == "finished").ToList();
        Assert.Equal(bibs, finishers.Select(r => r.Fields[header.IndexOf("bib")]));
        foreach (var row in finishers)
        {
            var times = RankingMeet.Times[row.Fields[header.IndexOf("bib")]];
            Assert.Equal((times[ColumnName(ranking)], times[ColumnName(other)]), (row.Fields[first], row.Fields[first + 1]));
        }

        AssertInOrder(finishers.Select(r => r.Fields[first]));

        static string ColumnName(string column) => column == "gun_time" ? "Gun" : "Chip";
    }

    [Fact]
    public async Task Api_races_say_which_time_places_go_by()
    {
        var races = await Http.GetFromJsonAsync<JsonElement>("/api/races");
        Assert.Equal(
            [("10k", "gun", "gun"), ("5k", "chip", "chip")],
            races.EnumerateArray().Select(r => (r.GetProperty("id").GetString(), r.GetProperty("rankBy").GetString(), r.GetProperty("rankedBy").GetString())));
    }

    [Theory]
    [InlineData("10k", "gunTime", new[] { "101", "105", "103" })]
    [InlineData("5k", "chipTime", new[] { "202", "201" })]
    public async Task Api_rows_lead_with_the_ranking_time_and_keep_both(string race, string ranking, string[] bibs)
    {
        var rows = await Http.GetFromJsonAsync<JsonElement>($"/api/races/{race}/results");
        var finishers = rows.EnumerateArray().Where(r => r.GetProperty("status").GetString() == "finished").ToList();
        Assert.Equal(bibs, finishers.Select(r => r.GetProperty("bib").GetString()));
        foreach (var row in finishers)
        {
            var times = RankingMeet.Times[row.GetProperty("bib").GetString()!];
            var names = row.EnumerateObject().Select(p => p.Name).Where(n => n is "time" or "chipTime" or "gunTime").ToList();
            Assert.Equal(["time", "chipTime", "gunTime"], names);
            Assert.Equal(row.GetProperty(ranking).GetString(), row.GetProperty("time").GetString());
            Assert.Equal((times["Chip"], times["Gun"]), (row.GetProperty("chipTime").GetString(), row.GetProperty("gunTime").GetString()));
        }

        AssertInOrder(finishers.Select(r => r.GetProperty("time").GetString()!));
        var one = await Http.GetFromJsonAsync<JsonElement>($"/api/participants/{bibs[^1]}");
        Assert.Equal(one.GetProperty(ranking).GetString(), one.GetProperty("time").GetString());
    }

    [Theory]
    [InlineData(RankBy.Gun, 28_800_000L, RankBy.Gun)]
    [InlineData(RankBy.Gun, null, RankBy.Chip)]
    [InlineData(RankBy.Chip, 28_800_000L, RankBy.Chip)]
    [InlineData(RankBy.Chip, null, RankBy.Chip)]
    public void A_gun_ranked_race_places_by_chip_time_until_its_gun_is_known(RankBy rankBy, long? gunMs, RankBy rankedBy)
    {
        var race = new Race("10k", "10K", 10, rankBy, new GunSource("start", null), [new TimingPoint("finish", TimingRole.Finish, 10)], TimeSpan.Zero);
        var results = new Appliance.Results.RaceResults(race, gunMs, [], [], new Appliance.Results.RaceCounts(0, 0, 0, 0, 0, 0));
        Assert.Equal(rankedBy, Appliance.Results.ResultFormat.RankedBy(results));
    }

    /// <summary>The symptom seen: 1st 0:30:17, 4th 0:30:11. The first time down a ranked list never goes back.</summary>
    private static void AssertInOrder(IEnumerable<string> times)
    {
        var list = times.ToList();
        Assert.NotEmpty(list);
        Assert.Equal(list.Order(StringComparer.Ordinal), list);
    }

    private async Task<string> PageAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return body;
    }

    [GeneratedRegex("<tr><td class=\"r\">(\\d+)</td><td[^>]*><a href=\"/participants/(\\w+)\">.*?</td><td class=\"r\">([^<]+)<br><span class=\"s\">(\\w+) ([^<]+)<br>")]
    private static partial Regex RaceRow();

    [GeneratedRegex("<tr><td class=\"n s\">[^<]*</td><td><a href=\"/participants/(\\w+)\">.*?</td><td class=\"r\">(\\w+) ([^<]+)<br><span class=\"s\">(\\w+) ([^<]+)<br>")]
    private static partial Regex FinisherRow();
}

/// <summary>
/// The standard meet with the 5K ranked by chip time, and starts spread so that gun and chip order differ:
/// 10K by gun 101, 105, 103 (by chip 103, 101, 105); 5K by chip 202, 201 (by gun 201, 202).
/// </summary>
public static class RankingMeet
{
    public static readonly (string Location, string Bib, string Time)[] Reads =
    [
        ("start", "101", "08:00:00.50"),
        ("start", "201", "08:00:01.00"),
        ("start", "105", "08:00:10.00"),
        ("start", "103", "08:02:00.00"),
        ("start", "202", "08:03:00.00"),
        ("finish", "202", "08:26:00.00"),
        ("finish", "201", "08:25:00.00"),
        ("finish", "101", "08:40:00.00"),
        ("finish", "105", "08:40:30.00"),
        ("finish", "103", "08:41:00.00"),
    ];

    /// <summary>Each finisher's gun and chip time as the views write them.</summary>
    public static readonly Dictionary<string, Dictionary<string, string>> Times = new()
    {
        ["101"] = new() { ["Gun"] = "0:40:00.00", ["Chip"] = "0:39:59.50" },
        ["105"] = new() { ["Gun"] = "0:40:30.00", ["Chip"] = "0:40:20.00" },
        ["103"] = new() { ["Gun"] = "0:41:00.00", ["Chip"] = "0:39:00.00" },
        ["201"] = new() { ["Gun"] = "0:25:00.00", ["Chip"] = "0:24:59.00" },
        ["202"] = new() { ["Gun"] = "0:26:00.00", ["Chip"] = "0:23:00.00" },
    };

    /// <summary>A town long enough to wrap on a phone (bib 103).</summary>
    public const string LongCity = "North Walla Walla Valley Township Heights";

    public static string Json() =>
        TestMeet.StandardJson().Replace("\"id\": \"5k\", \"name\": \"5K\", \"distanceKm\": 5,", "\"id\": \"5k\", \"name\": \"5K\", \"distanceKm\": 5, \"rankBy\": \"chip\",", StringComparison.Ordinal);

    public static IEnumerable<string[]> Roster() =>
        TestMeet.SmallRoster.Select(p => p[0] == "103" ? [.. p[..6], LongCity, .. p[7..]] : p);

    /// <summary>The names of the time a bib's race places by and of the other.</summary>
    public static (string Ranking, string Other) RankedBy(string bib) => bib.StartsWith('2') ? ("Chip", "Gun") : ("Gun", "Chip");

    public static TestMeet Create()
    {
        var json = Json();
        Assert.Contains("\"rankBy\": \"chip\"", json);
        return TestMeet.Create(json, Roster());
    }

    /// <summary>Feeds the gun and the reads and waits until every finish shows.</summary>
    public static async Task FeedAsync(TestBox box)
    {
        using var feed = await TimingFeed.ConnectAsync(box.TimingPort);
        await feed.GunAsync();
        await feed.ReadsAsync(Reads);
        var snapshot = await box.WaitForResultsAsync(
            s => s.Race("10k") is { Counts.Finished: 3 } && s.Race("5k") is { Counts.Finished: 2 }, "the finishes");
        Assert.Equal(RankBy.Chip, snapshot.Race("5k")!.Race.RankBy);
    }

    public sealed class Fixture : IAsyncLifetime
    {
        public TestMeet Meet { get; private set; } = null!;
        public TestBox Box { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Meet = Create();
            Box = await TestBox.StartAsync(null, Meet.Setting);
            await FeedAsync(Box);
        }

        public async Task DisposeAsync()
        {
            await Box.DisposeAsync();
            Meet.Dispose();
        }
    }
}
