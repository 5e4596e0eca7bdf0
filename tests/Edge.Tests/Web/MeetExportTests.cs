using System.Net;
using System.Text.Json;
using Edge.Tests.Support;

namespace Edge.Tests.Web;

/// <summary>A new meet starts clean; the old one stays listed and exportable.</summary>
public class MeetExportTests
{
    private static async Task SendAsync(TestBox box, string connectionId, params string[] reads)
    {
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync(connectionId, "finish");
        await client.SendAsync(reads);
        await box.WaitForReadsAsync(reads.Length);
    }

    [Fact]
    public async Task An_archived_meet_stays_listed_and_its_log_exports_while_the_new_meet_starts_clean()
    {
        var dataDir = TempDir.Create("meets");
        using var lakeside = TestMeet.Standard();
        using var hills = TestMeet.Create(TestMeet.StandardJson(eventName: "Hills Half"), TestMeet.SmallRoster);
        await using (var box = await TestBox.StartAsync(dataDir, lakeside.Setting))
        {
            await SendAsync(box, "ct-1", "CT01_33~1~finish~101~2026-05-02T08:41:23.45Z~1~0FA22E~2", "CT01_33~2~finish~102,x~2026-05-02T08:42:00.00Z~1~0FA22E~2");
        }

        await using (var box = await TestBox.StartAsync(dataDir, hills.Setting))
        {
            var status = await box.StatusAsync();
            Assert.Equal("2026-05-02-hills-half", status.GetProperty("meet").GetProperty("key").GetString());
            Assert.Equal(0, status.GetProperty("reads").GetInt64());
            await SendAsync(box, "ct-1", "CT01_33~1~finish~103~2026-05-02T09:00:00.00Z~1~0FA22E~2");

            Assert.Equal(HttpStatusCode.Unauthorized, (await box.Http.GetAsync("/api/meets")).StatusCode);
            using var timer = await ConsoleClient.SignInAsync(box);
            var meets = JsonDocument.Parse(await timer.Http.GetStringAsync("/api/meets")).RootElement.EnumerateArray().ToList();
            Assert.Equal(["2026-05-02-lakeside-10k", "2026-05-02-hills-half"], meets.Select(m => m.GetProperty("key").GetString()));
            Assert.Equal([2L, 1L], meets.Select(m => m.GetProperty("reads").GetInt64()));
            Assert.Equal([false, true], meets.Select(m => m.GetProperty("open").GetBoolean()));

            var old = await timer.Http.GetAsync($"/api/meets/{meets[0].GetProperty("id").GetInt64()}/log.csv");
            Assert.Equal(HttpStatusCode.OK, old.StatusCode);
            var lines = (await old.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, lines.Length);
            Assert.StartsWith("id,kind,source,location,seq,tag,at,", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("1,read,ct-1,finish,1,101,2026-05-02T08:41:23.450Z,1777711283450,1,0FA22E,2,", lines[1], StringComparison.Ordinal);
            Assert.EndsWith(",CT01_33~1~finish~101~2026-05-02T08:41:23.45Z~1~0FA22E~2", lines[1], StringComparison.Ordinal);
            Assert.Contains(",\"102,x\",", lines[2], StringComparison.Ordinal); // quoted, so the columns stay put
            var current = await timer.Http.GetStringAsync($"/api/meets/{meets[1].GetProperty("id").GetInt64()}/log.csv");
            Assert.Contains("~103~", current, StringComparison.Ordinal);
            Assert.DoesNotContain("~101~", current, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await timer.Http.GetAsync("/api/meets/99/log.csv")).StatusCode);
        }

        TempDir.Delete(dataDir);
    }

    [Fact]
    public async Task Fixing_the_date_of_a_pinned_meet_updates_it_in_place()
    {
        var json = TestMeet.StandardJson().Replace("\"event\": {", "\"event\": { \"id\": \"lakeside-2026\",", StringComparison.Ordinal);
        using var meet = TestMeet.Create(json, TestMeet.SmallRoster);
        await using var box = await TestBox.StartAsync(null, meet.Setting, "--Edge:MeetPollInterval=00:00:00.200");
        await SendAsync(box, "ct-1", "CT01_33~1~finish~101~2026-05-02T08:41:23.45Z~1~0FA22E~2");
        File.WriteAllText(Path.Combine(meet.Path, "meet.json"), json.Replace(TestMeet.Date, "2026-05-03", StringComparison.Ordinal));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        using var timer = await ConsoleClient.SignInAsync(box);
        JsonElement only;
        do
        {
            await Task.Delay(100);
            only = Assert.Single(JsonDocument.Parse(await timer.Http.GetStringAsync("/api/meets")).RootElement.EnumerateArray());
        }
        while (only.GetProperty("date").GetString() != "2026-05-03" && DateTime.UtcNow < deadline);

        Assert.Equal(("lakeside-2026", "2026-05-03", 1L), (only.GetProperty("key").GetString(), only.GetProperty("date").GetString(), only.GetProperty("reads").GetInt64()));
    }
}
