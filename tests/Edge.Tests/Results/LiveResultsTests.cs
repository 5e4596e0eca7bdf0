using System.Net.Http.Json;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;
using Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Tests.Results;

/// <summary>The engine inside the running box: reads over a real socket update results; the meet folder reloads.</summary>
public class LiveResultsTests : IDisposable
{
    private readonly string _meetDir = TempDir.Create("live-meet");

    public LiveResultsTests()
    {
        foreach (var file in Directory.GetFiles(Repo.Fixture("meet-example")))
        {
            File.Copy(file, Path.Combine(_meetDir, Path.GetFileName(file)));
        }
    }

    private Task<TestBox> StartAsync(string? dataDir = null) =>
        TestBox.StartAsync(dataDir, $"--Edge:MeetDir={_meetDir}", "--Edge:MeetPollInterval=00:00:00.200");

    private static async Task<ResultRow> WaitForRowAsync(TestBox box, string bib, Func<ResultRow, bool> condition)
    {
        var results = box.Services.GetRequiredService<ResultsService>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (results.Current.ByBib.TryGetValue(bib, out var row) && condition(row))
            {
                return row;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"bib {bib} never matched; now {results.Current.ByBib.GetValueOrDefault(bib)}");
    }

    [Fact]
    public async Task A_finish_read_over_ctp01_updates_results_and_survives_a_restart_by_replay()
    {
        var dataDir = TempDir.Create("live-data");
        try
        {
            await using (var box = await StartAsync(dataDir))
            {
                using var client = await RawClient.ConnectAsync(box.TimingPort);
                await client.HandshakeAsync("live-results", "start", "finish");
                // Event time zone America/Los_Angeles: iso times without an offset are local.
                await client.SendAsync(
                    "CT01_33~1~start~guntime~2026-05-02T08:00:00.00~0~DF239A~0",
                    "CT01_33~2~start~101~2026-05-02T08:00:04.71~1~DF239A~1",
                    "CT01_33~1~finish~101~2026-05-02T08:45:10.25~1~0F2A38~1");
                var row = await WaitForRowAsync(box, "101", r => r.Status == ParticipantStatus.Finished);
                Assert.Equal("0:45:05.54", ResultFormat.Time(row.ChipTime));
                Assert.Equal("0:45:10.25", ResultFormat.Time(row.GunTime));
                Assert.Equal(1, row.Place);
            }

            await using (var again = await StartAsync(dataDir))
            {
                var row = await WaitForRowAsync(again, "101", r => r.Status == ParticipantStatus.Finished);
                Assert.Equal("0:45:05.54", ResultFormat.Time(row.ChipTime));
            }
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }

    [Fact]
    public async Task A_tag_nobody_carries_is_kept_and_listed_as_unknown()
    {
        await using var box = await StartAsync();
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync("unknown-tags", "start", "finish");
        await client.SendAsync(
            "CT01_33~1~finish~9999~2026-05-02T08:40:00.00~1~0F2A38~1",
            "CT01_33~2~finish~9999~2026-05-02T08:40:01.50~2~0F2A38~2");
        await box.WaitUntilAsync(s => s.GetProperty("results").GetProperty("unknownTags").GetInt64() == 1, TimeSpan.FromSeconds(10), "one unknown tag");
        var unknown = await box.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/unknown-tags");
        Assert.Equal(1, unknown.GetProperty("count").GetInt64());
        var tag = Assert.Single(unknown.GetProperty("tags").EnumerateArray());
        Assert.Equal(("9999", 2L, "finish", "08:40:01.50"),
            (tag.GetProperty("tag").GetString(), tag.GetProperty("reads").GetInt64(), tag.GetProperty("lastLocation").GetString(), tag.GetProperty("lastSeen").GetString()));
        Assert.Equal(2, await box.ReadsAsync());
    }

    [Fact]
    public async Task A_bad_edit_keeps_the_last_good_meet_and_says_why_until_it_is_fixed()
    {
        await using var box = await StartAsync();
        var host = box.Services.GetRequiredService<MeetHost>();
        var csv = Path.Combine(_meetDir, "participants.csv");
        var good = await File.ReadAllTextAsync(csv);
        var count = host.Current.Participants.Count;

        await File.WriteAllTextAsync(csv, good + "999,Zed,Bad,F,notanage,10k\n");
        await box.WaitUntilAsync(s => s.GetProperty("meet").GetProperty("error").ValueKind == System.Text.Json.JsonValueKind.String,
            TimeSpan.FromSeconds(10), "the meet error on /api/status");
        var error = (await box.StatusAsync()).GetProperty("meet").GetProperty("error").GetString()!;
        Assert.Contains("participants.csv: line", error);
        Assert.Contains("field 'age'", error);
        Assert.Equal(count, host.Current.Participants.Count);

        await File.WriteAllTextAsync(csv, good + "999,Zed,Good,F,40,10k\n");
        await box.WaitUntilAsync(s => s.GetProperty("meet").GetProperty("error").ValueKind == System.Text.Json.JsonValueKind.Null
            && s.GetProperty("meet").GetProperty("participants").GetInt32() == count + 1, TimeSpan.FromSeconds(10), "the fixed meet running");
        await WaitForRowAsync(box, "999", r => r.Participant.LastName == "Good");
    }

    [Fact]
    public async Task A_meet_folder_that_disappears_keeps_the_last_good_meet_and_ingest_running()
    {
        await using var box = await StartAsync();
        var host = box.Services.GetRequiredService<MeetHost>();
        var participants = host.Current.Participants.Count;
        Directory.Delete(_meetDir, recursive: true);
        await box.WaitUntilAsync(s => s.GetProperty("meet").GetProperty("error").ValueKind == System.Text.Json.JsonValueKind.String,
            TimeSpan.FromSeconds(10), "the meet error on /api/status");
        Assert.Contains("meet.json", (await box.StatusAsync()).GetProperty("meet").GetProperty("error").GetString());
        Assert.Equal(participants, host.Current.Participants.Count);

        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync("meet-gone", "finish");
        await client.SendAsync("CT01_33~1~finish~101~2026-05-02T08:45:10.25~1~0F2A38~1");
        await box.WaitForReadsAsync(1);
        Directory.CreateDirectory(_meetDir);
    }

    public void Dispose() => TempDir.Delete(_meetDir);
}
