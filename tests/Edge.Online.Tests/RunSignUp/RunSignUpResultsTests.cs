using Edge.Online.Results;
using Edge.Online.RunSignUp;
using Edge.Online.Tests.Support;

namespace Edge.Online.Tests.RunSignUp;

/// <summary>
/// Results posted to the stand-in RunSignUp, which keeps rows by bib as RunSignUp does: a result set posted, changed
/// and posted again holds one row per runner, updated; batches of 25 with a pause; statuses and splits as the API spells them.
/// </summary>
public class RunSignUpResultsTests
{
    private static List<ResultRow> Finishers(int count, int secondsOffset = 0) =>
        [.. Enumerable.Range(1, count).Select(i => new ResultRow(
            Bib: i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ClockTime: TimeSpan.FromSeconds(2400 + i * 7 + secondsOffset) + TimeSpan.FromMilliseconds(340),
            ChipTime: TimeSpan.FromSeconds(2390 + i * 7 + secondsOffset) + TimeSpan.FromMilliseconds(129),
            Place: i))];

    [Fact]
    public async Task Post_change_a_time_post_again_one_row_per_runner_updated()
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 0);
        var client = RunSignUpRosterTests.Client(standIn, clock);
        var target = new ResultSetTarget(123, 456, ResultSetName: "Overall");

        var first = await client.PostResultsAsync(target, Finishers(60));
        var changed = Finishers(60);
        changed[9] = changed[9] with { ClockTime = new TimeSpan(0, 41, 2) + TimeSpan.FromMilliseconds(999), ChipTime = new TimeSpan(0, 40, 55) };
        changed[59] = changed[59] with { Status = ResultStatus.Dq };
        var second = await client.PostResultsAsync(target, changed);

        var set = Assert.Single(standIn.ResultSets);
        Assert.Equal((set.Key, true, 3), (first.ResultSetId, first.CreatedResultSet, first.Batches));
        Assert.Equal((set.Key, false, 60), (second.ResultSetId, second.CreatedResultSet, second.Rows));
        var rows = set.Value.Rows;
        Assert.Equal(60, rows.Count);
        Assert.Equal(("0:41:02.99", "0:40:55.00", "10"), (rows["10"]["clock_time"], rows["10"]["chip_time"], rows["10"]["place"]));
        Assert.Equal(("0:40:07.34", "0:39:57.12"), (rows["1"]["clock_time"], rows["1"]["chip_time"]));
        Assert.Equal(("DQ", "DQ"), (rows["60"]["clock_time"], rows["60"]["chip_time"]));
        // 25 a post, as RunSignUp's sample does, with a second between posts.
        Assert.Equal([25, 25, 10, 25, 25, 10], standIn.PostedBatches);
        Assert.Equal(4, clock.Waits.Count(w => w == TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Statuses_are_spelled_as_the_API_takes_them()
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 0);
        standIn.ResultSets[77] = (456, "Overall", []);
        ResultRow[] rows =
        [
            new("1", null, null, ResultStatus.Dnf), new("2", null, null, ResultStatus.Dns),
            new("3", null, null, ResultStatus.Dq), new("4", null, null, ResultStatus.Dnq),
            new("5", new TimeSpan(1, 2, 3), null),
        ];

        await RunSignUpRosterTests.Client(standIn, clock).PostResultsAsync(new ResultSetTarget(123, 456, ResultSetId: 77), rows);

        var stored = standIn.ResultSets[77].Rows;
        Assert.Equal(["DNF", "DNS", "DQ", "DNQ", "1:02:03.00"], new[] { "1", "2", "3", "4", "5" }.Select(b => stored[b]["clock_time"]));
        Assert.False(stored["5"].ContainsKey("chip_time"));
        Assert.Equal("DNF", stored["1"]["chip_time"]);
    }

    [Fact]
    public async Task Splits_go_as_split_fields_an_absent_split_stays_and_a_null_one_is_cleared()
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 0);
        standIn.ResultSets[77] = (456, "Overall", []);
        var client = RunSignUpRosterTests.Client(standIn, clock);
        var target = new ResultSetTarget(123, 456, ResultSetId: 77);

        // The half-way box knows the 5k split; later the finish box sends the finish and its own split, and clears one.
        await client.PostResultsAsync(target, [new ResultRow("7", new TimeSpan(0, 20, 0), null, Splits: new Dictionary<string, TimeSpan?>
        {
            ["5001"] = new TimeSpan(0, 19, 58) + TimeSpan.FromMilliseconds(456),
            ["5003"] = new TimeSpan(0, 9, 1),
        })]);
        await client.PostResultsAsync(target, [new ResultRow("7", new TimeSpan(0, 41, 0), new TimeSpan(0, 40, 50), Splits: new Dictionary<string, TimeSpan?>
        {
            ["5002"] = new TimeSpan(0, 30, 10),
            ["5003"] = null,
        })]);

        var row = standIn.ResultSets[77].Rows["7"];
        Assert.Equal("0:19:58.45", row["split-5001"]);
        Assert.Equal("0:30:10.00", row["split-5002"]);
        Assert.False(row.ContainsKey("split-5003"));
        Assert.Equal("0:41:00.00", row["clock_time"]);
    }

    [Fact]
    public async Task A_refused_post_says_so_and_a_row_twice_is_refused_before_sending()
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 0);
        standIn.ResultSets[77] = (456, "Overall", []);
        var target = new ResultSetTarget(123, 456, ResultSetId: 77);

        var refused = await Assert.ThrowsAsync<Edge.Online.Http.OnlineException>(() =>
            RunSignUpRosterTests.Client(standIn, clock, secret: "nope").PostResultsAsync(target, Finishers(3)));
        var twice = await Assert.ThrowsAsync<ArgumentException>(() =>
            RunSignUpRosterTests.Client(standIn, clock).PostResultsAsync(target, [.. Finishers(3), .. Finishers(1)]));

        Assert.StartsWith("RunSignUp refused the API key and secret for race 123", refused.Message, StringComparison.Ordinal);
        Assert.StartsWith("bib '1' is empty or given twice", twice.Message, StringComparison.Ordinal);
        Assert.Empty(standIn.ResultSets[77].Rows);
    }

    [Fact]
    public async Task A_batch_whose_answer_was_lost_is_sent_again_and_each_runner_is_still_one_row()
    {
        var clock = new JumpingClock();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 0);
        standIn.ResultSets[77] = (456, "Overall", []);
        // The second post reaches RunSignUp, which stores it, but its answer never arrives.
        var posts = 0;
        standIn.Fail(new Fault { When = r => r.Method == "POST" && ++posts == 2, LoseAnswer = true });

        var posted = await RunSignUpRosterTests.Client(standIn, clock).PostResultsAsync(new ResultSetTarget(123, 456, ResultSetId: 77), Finishers(30));

        Assert.Equal(2, posted.Batches);
        Assert.Equal([25, 5, 5], standIn.PostedBatches);
        Assert.Equal(30, standIn.ResultSets[77].Rows.Count);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)], clock.Waits);
    }
}
