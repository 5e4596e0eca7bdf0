using Edge.Appliance.Meet;
using Edge.Online.Tests.Support;
using Edge.Tests.Support;

namespace Edge.Tests.Online;

/// <summary>The box posts its results to a stand-in RunSignUp on loopback: changed rows only, matched by bib, retried.</summary>
public sealed class ResultsPostingTests : IAsyncLifetime
{
    private RunSignUpStandIn _runSignUp = null!;
    private TestMeet _meet = null!;

    public async Task InitializeAsync()
    {
        _runSignUp = await RunSignUpStandIn.StartAsync();
        _runSignUp.AddEvent(456, "10K", 0);
        _meet = TestMeet.Create(MeetJson(_runSignUp.BaseUrl), TestMeet.SmallRoster);
        File.WriteAllText(Path.Combine(_meet.Path, "rsu-key.txt"), RunSignUpStandIn.Key + "\n");
        File.WriteAllText(Path.Combine(_meet.Path, "rsu-secret.txt"), RunSignUpStandIn.Secret + "\n");
    }

    public async Task DisposeAsync()
    {
        await _runSignUp.DisposeAsync();
        _meet.Dispose();
    }

    private static string MeetJson(Uri baseUrl, string extra = "") => TestMeet.StandardJson().Replace("\"participants\": \"participants.csv\"", $$"""
        "participants": "participants.csv",
        "runsignup": { "raceId": 123, "keyFile": "rsu-key.txt", "secretFile": "rsu-secret.txt", "every": "00:00:10", "baseUrl": "{{baseUrl}}",
                       "races": { "10k": { "eventId": 456, "resultSet": "Lakeside 10K (edge)", "splits": { "5k": 789 } } } }{{extra}}
        """, StringComparison.Ordinal);

    private Dictionary<string, Dictionary<string, string>> Posted() =>
        _runSignUp.ResultSets.Values.SingleOrDefault(s => s.Name == "Lakeside 10K (edge)").Rows ?? [];

    private static async Task Until(Func<bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(what);
            }

            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Finishers_are_posted_then_only_what_changed_and_runners_still_out_never()
    {
        await using var box = await TestBox.StartAsync(null, _meet.Setting, "--Online:Tick=00:00:00.200");
        using var timer = await RawClient.ConnectAsync(box.TimingPort);
        await timer.HandshakeAsync("rsu-post", "start", "5k", "finish");
        await timer.SendAsync(
            "CT01_33~1~start~guntime~2026-05-02T08:00:00.00~0~DF239A~0",
            "CT01_33~2~start~101~2026-05-02T08:00:04.71~1~DF239A~1",
            "CT01_33~3~start~102~2026-05-02T08:00:05.00~1~DF239A~1",
            "CT01_33~4~start~103~2026-05-02T08:00:06.00~1~DF239A~1",
            "CT01_33~1~5k~101~2026-05-02T08:22:00.00~1~DF239A~1",
            "CT01_33~2~5k~103~2026-05-02T08:25:00.00~1~DF239A~1",
            "CT01_33~1~finish~101~2026-05-02T08:45:10.25~1~0F2A38~1",
            "CT01_33~2~finish~102~2026-05-02T08:47:00.00~1~0F2A38~1");

        await Until(() => Posted().Count == 2, "two finishers posted");
        var first = Posted()["101"];
        Assert.Equal("0:45:10.25", first["clock_time"]);
        Assert.Equal("0:45:05.54", first["chip_time"]);
        Assert.Equal("0:21:55.29", first["split-789"]);
        Assert.False(Posted()["102"].ContainsKey("split-789"));
        Assert.False(Posted().ContainsKey("103"));
        var posts = _runSignUp.PostedBatches.Count;

        // Runner 3 finishes: the next post carries that row alone.
        await timer.SendAsync("CT01_33~3~finish~103~2026-05-02T08:50:00.00~1~0F2A38~1");
        await Until(() => Posted().Count == 3, "the third finisher posted");
        Assert.Equal(1, _runSignUp.PostedBatches[posts]);
        Assert.Equal(posts + 1, _runSignUp.PostedBatches.Count);
        var status = (await box.StatusAsync()).GetProperty("runSignUp");
        Assert.Equal("posted", status.GetProperty("state").GetString());
        Assert.Equal(3, status.GetProperty("rowsPosted").GetInt64());
        // Nothing changes: nothing more is sent.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(posts + 1, _runSignUp.PostedBatches.Count);
    }

    [Fact]
    public async Task A_refused_key_is_reported_and_the_rows_go_once_the_key_is_mended()
    {
        File.WriteAllText(Path.Combine(_meet.Path, "rsu-key.txt"), "not-the-key\n");
        await using var box = await TestBox.StartAsync(null, _meet.Setting, "--Online:Tick=00:00:00.200");
        using var timer = await RawClient.ConnectAsync(box.TimingPort);
        await timer.HandshakeAsync("rsu-refused", "start", "finish");
        await timer.SendAsync(
            "CT01_33~1~start~guntime~2026-05-02T08:00:00.00~0~DF239A~0",
            "CT01_33~2~start~101~2026-05-02T08:00:04.71~1~DF239A~1",
            "CT01_33~1~finish~101~2026-05-02T08:45:10.25~1~0F2A38~1");

        await box.WaitUntilAsync(s => s.GetProperty("runSignUp").GetProperty("state").GetString() == "failed", TimeSpan.FromSeconds(30), "a failed post");
        var status = (await box.StatusAsync()).GetProperty("runSignUp");
        Assert.Contains("RunSignUp refused the API key and secret for race 123", status.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, status.GetProperty("rowsPending").GetInt32());
        Assert.Empty(Posted());

        File.WriteAllText(Path.Combine(_meet.Path, "rsu-key.txt"), RunSignUpStandIn.Key + "\n");
        await Until(() => Posted().Count == 1, "posted after the key was mended (next turn, 10 s later)");
    }

    [Fact]
    public async Task A_meet_that_syncs_to_the_cloud_leaves_posting_to_the_cloud()
    {
        File.WriteAllText(Path.Combine(_meet.Path, "meet.json"), MeetJson(_runSignUp.BaseUrl,
            ",\n\"cloud\": { \"broker\": \"mqtt://127.0.0.1:1\", \"deviceId\": \"box-1\" }"));
        await using var box = await TestBox.StartAsync(null, _meet.Setting, "--Online:Tick=00:00:00.200");

        await box.WaitUntilAsync(s => s.GetProperty("runSignUp").GetProperty("state").GetString() == "cloud", TimeSpan.FromSeconds(10), "state cloud");
    }

    [Theory]
    [InlineData("\"races\": { \"10K\": { \"eventId\": 456 } }", "unknown field 'runsignup.races.10K'; did you mean '10k'?")]
    [InlineData("\"races\": { \"10k\": { \"eventId\": 456, \"splits\": { \"finish\": 1 } } }", "unknown field 'runsignup.races.10k.splits.finish'")]
    [InlineData("\"races\": { \"10k\": { } }", "field 'runsignup.races.10k.eventId': is required")]
    [InlineData("\"races\": { }", "field 'runsignup.races': names no race")]
    public void A_bad_runsignup_section_is_named_by_field(string races, string message)
    {
        var json = MeetJson(new Uri("https://runsignup.com/Rest/")).Replace(
            "\"races\": { \"10k\": { \"eventId\": 456, \"resultSet\": \"Lakeside 10K (edge)\", \"splits\": { \"5k\": 789 } } }", races, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_meet.Path, "meet.json"), json);

        var error = Assert.Throws<MeetException>(() => MeetLoader.Load(_meet.Path));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"keyFile\": \"rsu-key.txt\"", "\"keyFile\": \"missing.txt\"", "field 'runsignup.keyFile': file 'missing.txt' is not in the meet folder")]
    [InlineData("\"keyFile\": \"rsu-key.txt\"", "\"keyFile\": \"../etc/passwd\"", "no folders, no '..'")]
    [InlineData("\"every\": \"00:00:10\"", "\"every\": \"00:00:01\"", "field 'runsignup.every': '00:00:01' must be a time from 00:00:10")]
    [InlineData("\"raceId\": 123", "\"raceId\": -4", "field 'runsignup.raceId': must be a whole number")]
    public void Bad_files_times_and_ids_are_named(string from, string to, string message)
    {
        File.WriteAllText(Path.Combine(_meet.Path, "meet.json"), MeetJson(_runSignUp.BaseUrl).Replace(from, to, StringComparison.Ordinal));

        var error = Assert.Throws<MeetException>(() => MeetLoader.Load(_meet.Path));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_is_taken_only_to_this_machine()
    {
        File.WriteAllText(Path.Combine(_meet.Path, "meet.json"), MeetJson(new Uri("http://runsignup.example/Rest/")));

        var error = Assert.Throws<MeetException>(() => MeetLoader.Load(_meet.Path));
        Assert.Contains("field 'runsignup.baseUrl': 'http://runsignup.example/Rest/' must be an https:// address", error.Message, StringComparison.Ordinal);
    }
}
