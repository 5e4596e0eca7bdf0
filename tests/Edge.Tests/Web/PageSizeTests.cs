using System.Globalization;
using System.Net;
using Edge.Tests.Support;

namespace Edge.Tests.Web;

/// <summary>
/// Phones on a crowded hotspot: every phone page stays at most 50 KB (HTML, CSS and JS, before compression) for a
/// 10,000-runner race with half the field finished. Paging keeps the race page small.
/// </summary>
public class PageSizeTests
{
    private const int Runners = 10_000;
    private const int MaxBytes = 50 * 1024;

    [Fact]
    public async Task Every_phone_page_of_a_10000_runner_race_is_at_most_50_KB()
    {
        using var meet = TestMeet.Create(TestMeet.StandardJson(), TestMeet.BigRoster(Runners));
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        using (var feed = await TimingFeed.ConnectAsync(box.TimingPort))
        {
            await feed.GunAsync();
            var lines = new List<string>();
            for (var bib = 1; bib <= Runners; bib++)
            {
                lines.Add(TimingFeed.Line("start", bib + 1, bib.ToString(CultureInfo.InvariantCulture), $"08:0{bib % 3}:{bib % 60:00}.{bib % 100:00}"));
            }

            for (var bib = 1; bib <= Runners / 2; bib++)
            {
                var at = TimeSpan.FromHours(8.5) + TimeSpan.FromMilliseconds(bib * 770);
                lines.Add(TimingFeed.Line("finish", bib, bib.ToString(CultureInfo.InvariantCulture), at.ToString(@"hh\:mm\:ss\.ff", CultureInfo.InvariantCulture)));
            }

            foreach (var chunk in lines.Chunk(2_000))
            {
                await feed.SendLinesAsync(chunk);
            }

            await box.WaitForResultsAsync(s => s.Race("10k") is { Counts.Finished: Runners / 2 }, "5,000 finishers", TimeSpan.FromSeconds(60));
        }

        var snapshot = await box.WaitForResultsAsync(_ => true, "results");
        var division = snapshot.Race("10k")!.Finishers[0].Division!;
        string[] pages =
        [
            "/",
            "/?fragment=1",
            "/races/10k",
            "/races/10k?page=2",
            "/races/10k?page=100",
            "/races/10k?page=200",
            "/races/10k?page=200&fragment=1",
            "/races/10k?gender=F",
            "/races/10k?gender=M&page=50",
            "/races/10k?division=" + Uri.EscapeDataString(division),
            "/search?q=a",
            "/search?q=1",
            "/search?q=alexandra%20abernathy",
            "/participants/1",
            "/participants/9999",
            "/participants/1?fragment=1",
            "/finishers",
            "/finishers?fragment=1",
        ];
        foreach (var path in pages)
        {
            using var response = await box.Http.GetAsync(path);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
            Assert.True(bytes.Length <= MaxBytes, $"{path} is {bytes.Length:N0} bytes");
        }

        var race = await box.Http.GetStringAsync("/races/10k?page=100");
        Assert.Contains("Page 100 of 200", race);
        Assert.Contains(">4951</td>", race);
        using var past = await box.Http.GetAsync("/races/10k?page=201");
        Assert.Equal(HttpStatusCode.NotFound, past.StatusCode);
        Assert.Contains("the first 50 are shown", await box.Http.GetStringAsync("/search?q=a"));
    }
}
