using Edge.Appliance.Results;

namespace Edge.Tests.Results;

/// <summary>The replay reads a page ahead while the engine takes the last one in: neither side may leave the other waiting.</summary>
public class ReplayPumpTests
{
    private static (List<int> Page, long ScannedTo) Page(long after) =>
        after >= 100 ? ([], after) : ([.. Enumerable.Range((int)after + 1, 10)], after + 10);

    [Fact]
    public void Every_page_is_added_in_order_and_skipped_rows_move_the_cursor()
    {
        var added = new List<int>();
        // Every other page holds only rows of another meet: empty, but the cursor still moves past them.
        var (count, last) = ReplayPump.Run(
            (after, _) => Page(after) is var (page, scanned) && after / 10 % 2 == 1 ? ([], scanned) : (page, scanned),
            0, added.AddRange, CancellationToken.None);
        Assert.Equal(100, last);
        Assert.Equal(50, count);
        Assert.Equal(added.Order(), added);
    }

    [Fact]
    public async Task A_failure_taking_a_page_in_ends_the_replay_instead_of_leaving_the_reader_blocked()
    {
        var reads = 0;
        var replay = Task.Run(() => ReplayPump.Run<int>(
            (after, _) => { Interlocked.Increment(ref reads); return Page(after); },
            0,
            _ => throw new InvalidOperationException("engine failed"),
            CancellationToken.None));
        var finished = await Task.WhenAny(replay, Task.Delay(TimeSpan.FromSeconds(20)));
        Assert.True(finished == replay, "the replay hung after the engine failed");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => replay);
        Assert.Equal("engine failed", error.Message);
        Assert.True(reads < 10, $"the reader stopped early ({reads} pages read)");
    }

    [Fact]
    public async Task A_failure_reading_the_log_reaches_the_caller()
    {
        var replay = Task.Run(() => ReplayPump.Run<int>(
            (after, _) => after < 30 ? Page(after) : throw new IOException("disk"),
            0, _ => { }, CancellationToken.None));
        var error = await Assert.ThrowsAsync<IOException>(() => replay);
        Assert.Equal("disk", error.Message);
    }

    [Fact]
    public async Task The_reader_runs_at_the_lower_priority_and_the_caller_keeps_its_own()
    {
        int? readerNice = null;
        var callerBefore = BackgroundWork.ThisThreadsNice();
        ReplayPump.Run(
            (after, _) => { readerNice ??= BackgroundWork.ThisThreadsNice(); return Page(after); },
            0, _ => { }, CancellationToken.None);
        Assert.Equal(callerBefore, BackgroundWork.ThisThreadsNice());
        Assert.Equal(BackgroundWork.Nice, readerNice);

        // Work run by BackgroundWork sees the lower priority; a failure in it reaches the awaiting caller.
        Assert.Equal(BackgroundWork.Nice, await BackgroundWork.Run("test", () => BackgroundWork.ThisThreadsNice()));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => BackgroundWork.Run<int>("test", () => throw new InvalidOperationException("failed")));
        Assert.Equal("failed", error.Message);
    }
}
