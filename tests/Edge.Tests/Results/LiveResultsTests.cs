using System.Net.Http.Json;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;
using Edge.Appliance.Store;
using Edge.Store;
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
    public async Task Every_correction_kind_applies_live_and_survives_a_restart_by_replay()
    {
        var dataDir = TempDir.Create("live-corrections");
        try
        {
            List<string> live;
            long lastId;
            await using (var box = await StartAsync(dataDir))
            {
                using var client = await RawClient.ConnectAsync(box.TimingPort);
                await client.HandshakeAsync("corrections", "start", "finish");
                // Event time zone America/Los_Angeles: the 10K's gun is the gun read, the 5K's is 08:15 from meet.json.
                string[] lines =
                [
                    "CT01_33~1~start~guntime~2026-05-02T08:00:00.00~0~DF239A~0",
                    "CT01_33~2~start~101~2026-05-02T08:00:04.00~1~DF239A~1",
                    "CT01_33~3~start~102~2026-05-02T08:00:05.00~1~DF239A~1",
                    "CT01_33~4~start~103~2026-05-02T08:00:06.00~1~DF239A~1",
                    "CT01_33~5~start~104~2026-05-02T08:00:07.00~1~DF239A~1",
                    "CT01_33~6~start~555~2026-05-02T08:00:08.00~1~DF239A~1",
                    "CT01_33~1~finish~101~2026-05-02T08:41:00.00~1~0F2A38~1",
                    "CT01_33~2~finish~101~2026-05-02T08:45:10.25~2~0F2A38~1",
                    "CT01_33~3~finish~102~2026-05-02T08:50:00.00~1~0F2A38~1",
                    "CT01_33~4~finish~103~2026-05-02T08:44:00.00~1~0F2A38~1",
                    "CT01_33~5~finish~555~2026-05-02T08:43:00.00~1~0F2A38~1",
                    "CT01_33~6~finish~9999~2026-05-02T08:48:00.00~1~0F2A38~1",
                    "CT01_33~7~finish~107~2026-05-02T08:40:00.00~1~0F2A38~1",
                    "CT01_33~8~finish~105~2026-05-02T08:52:00.00~1~0F2A38~1",
                ];
                await client.SendAsync(lines);
                var store = box.Services.GetRequiredService<ReadStore>();
                await UntilAsync(() => store.LastId >= lines.Length, "the reads stored");
                using var db = EdgeDatabase.OpenReader(dataDir);
                var strayFinish = StoreRows.Scalar(db, "SELECT id FROM log WHERE tag = '101' AND location = 'finish' ORDER BY at_ms LIMIT 1");
                var console = (await store.OpenSourceAsync("console", "edge-console", CancellationToken.None)).Id;
                var seq = 0L;
                async Task<long> CorrectAsync(LogKind kind, string tag, string fields, string location = "", long atMs = 0)
                {
                    var json = "{" + fields + (fields.Length > 0 ? "," : "") + "\"by\":\"timer\",\"at\":\"2026-05-02T08:55:00-07:00\"}";
                    var n = ++seq;
                    await store.AppendAsync(StoreRows.Correction(console, n, kind, tag, json, location, atMs), 0, CancellationToken.None);
                    var id = 0L;
                    await UntilAsync(() => (id = StoreRows.Scalar(db, $"SELECT coalesce(max(id), 0) FROM log WHERE source_id = {console} AND seq = {n}")) > 0, $"correction {n} stored");
                    return id;
                }

                static long Local(int hour, int minute) => new DateTimeOffset(2026, 5, 2, hour, minute, 0, TimeSpan.FromHours(-7)).ToUnixTimeMilliseconds();
                const string Late = "\"first\":\"Lou\",\"last\":\"Late\",\"gender\":\"M\",\"age\":41,\"city\":\"Kent\",\"state\":\"WA\",\"team\":\"\"";

                await CorrectAsync(LogKind.Void, "", $"\"voids\":{strayFinish}");
                await CorrectAsync(LogKind.Registration, "102", "\"bib\":\"102\",\"first\":\"Ben\",\"last\":\"Fixed\",\"gender\":\"M\",\"age\":41,\"race\":\"10k\",\"city\":\"Tacoma\",\"state\":\"WA\",\"team\":\"\"");
                var dnf = await CorrectAsync(LogKind.Dnf, "103", "");
                var undo = await CorrectAsync(LogKind.Void, "", $"\"voids\":{dnf}");
                await CorrectAsync(LogKind.Void, "", $"\"voids\":{undo}");
                await CorrectAsync(LogKind.Dnf, "104", "");
                await CorrectAsync(LogKind.Dq, "105", "\"reason\":\"course cut\"");
                await CorrectAsync(LogKind.BibSwap, "9999", "\"to\":\"106\"");
                await CorrectAsync(LogKind.Registration, "555", "\"bib\":\"555\",\"race\":\"10k\"," + Late);
                var half = await CorrectAsync(LogKind.Registration, "556", "\"bib\":\"556\",\"race\":\"half\"," + Late);
                var gone = await CorrectAsync(LogKind.Registration, "557", "\"bib\":\"557\",\"race\":\"5k\",\"tag\":\"C557\"," + Late);
                await CorrectAsync(LogKind.Void, "", $"\"voids\":{gone}");
                await CorrectAsync(LogKind.GunTime, "5k", "", atMs: Local(8, 16));
                lastId = await CorrectAsync(LogKind.ManualTime, "108", "", "finish", Local(8, 45));

                var results = box.Services.GetRequiredService<ResultsService>();
                await UntilAsync(() => results.Current.LastLogId >= lastId, "results caught up");
                var snapshot = results.Current;
                Assert.Equal(["555", "101", "106", "102"], snapshot.Race("10k")!.Finishers.Select(r => r.Bib));
                Assert.Equal(["0:43:00.00", "0:45:10.25", "0:48:00.00", "0:50:00.00"], snapshot.Race("10k")!.Finishers.Select(r => ResultFormat.Time(r.GunTime)));
                Assert.Equal(("Lou Late", "M 40-49", "0:42:52.00"), (snapshot.ByBib["555"].Name, snapshot.ByBib["555"].Division, ResultFormat.Time(snapshot.ByBib["555"].ChipTime)));
                Assert.Equal("Fixed", snapshot.ByBib["102"].Participant.LastName);
                Assert.Equal(
                    [ParticipantStatus.Dnf, ParticipantStatus.Dnf, ParticipantStatus.Dq],
                    new[] { "103", "104", "105" }.Select(b => snapshot.ByBib[b].Status));
                Assert.Equal(["107", "108"], snapshot.Race("5k")!.Finishers.Select(r => r.Bib));
                Assert.Equal(["0:24:00.00", "0:29:00.00"], snapshot.Race("5k")!.Finishers.Select(r => ResultFormat.Time(r.GunTime)));
                Assert.False(snapshot.ByBib.ContainsKey("556"));
                Assert.False(snapshot.ByBib.ContainsKey("557"));
                Assert.Equal([half], snapshot.RejectedCorrections.Select(r => r.LogId));
                Assert.Equal(0, snapshot.UnknownTagCount);
                live = Summary(snapshot);
            }

            await using (var again = await StartAsync(dataDir))
            {
                var results = again.Services.GetRequiredService<ResultsService>();
                await UntilAsync(() => results.Current.LastLogId >= lastId, "the replay");
                Assert.Equal(live, Summary(results.Current));
            }
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }

    private static List<string> Summary(ResultsSnapshot snapshot) =>
    [
        .. snapshot.ByBib.Values.OrderBy(r => r.Bib, ResultsEngine.BibOrder).Select(r =>
            $"{r.Bib}|{r.Name}|{r.Division}|{r.Status}|{ResultFormat.Time(r.ChipTime)}|{ResultFormat.Time(r.GunTime)}|{r.Place}|{r.GenderPlace}|{r.DivisionPlace}|{r.Note}"),
        .. snapshot.UnknownTags.Select(u => $"unknown {u.Tag} {u.Reads}"),
        .. snapshot.RejectedCorrections.Select(r => $"rejected {r.LogId} {r.Reason}"),
        $"participants {snapshot.Meet.Participants.Count}",
    ];

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(20);
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
