using Edge.SyncAgent.Outbox;
using Edge.SyncAgent.Tests.Support;

namespace Edge.SyncAgent.Tests;

/// <summary>
/// The agent's intervals run on the monotonic clock: a Pi boots with its clock at whatever it last saved (or 1970)
/// and chrony steps it by hours once it reaches a time server. None of that may end a connect attempt early, make a
/// wait last for ever, or hold a save back.
/// </summary>
public sealed class MonotonicTimeTests
{
    private static readonly TimeSpan Hours = TimeSpan.FromHours(7);

    private readonly SteppedClock _clock = new();

    [Fact]
    public void A_connect_deadline_is_not_cut_short_by_the_wall_clock_stepping_forward()
    {
        var deadline = Deadline.After(_clock, TimeSpan.FromSeconds(15));
        _clock.Advance(TimeSpan.FromSeconds(5));
        _clock.StepWallClock(Hours);
        Assert.False(deadline.Expired, "the attempt was given up 5 s into a 15 s connect timeout");
        Assert.Equal(TimeSpan.FromSeconds(10), deadline.Remaining);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(deadline.Expired);
        Assert.Equal(TimeSpan.Zero, deadline.Remaining);
    }

    [Fact]
    public void A_connect_deadline_and_a_backoff_wait_end_on_time_after_the_wall_clock_steps_back()
    {
        var connect = Deadline.After(_clock, TimeSpan.FromSeconds(15));
        var backoff = Deadline.After(_clock, TimeSpan.FromSeconds(2));
        _clock.StepWallClock(-Hours);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(backoff.Expired);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(backoff.Expired, "a 2 s backoff had not ended after 2 s: the wall clock went back");
        _clock.Advance(TimeSpan.FromSeconds(13));
        Assert.True(connect.Expired, "a 15 s connect timeout had not ended after 15 s: the wall clock went back");
    }

    [Fact]
    public void The_watermark_is_saved_after_the_interval_whichever_way_the_wall_clock_steps()
    {
        var saves = new SaveSchedule(_clock, windowRows: 8000, TimeSpan.FromMilliseconds(250));
        saves.Saved();
        // Ten rows acknowledged, three messages still in flight: only the interval makes it due.
        Assert.False(saves.Due(unsaved: 10, inflight: 3));

        _clock.StepWallClock(-Hours);
        _clock.Advance(TimeSpan.FromMilliseconds(300));
        Assert.True(saves.Due(unsaved: 10, inflight: 3), "no save 300 ms after the last one: the wall clock went back");

        saves.Saved();
        _clock.StepWallClock(Hours);
        Assert.False(saves.Due(unsaved: 10, inflight: 3), "a save was due at once: the wall clock went forward");
        _clock.Advance(TimeSpan.FromMilliseconds(250));
        Assert.True(saves.Due(unsaved: 10, inflight: 3));

        // The other reasons to save do not depend on time at all.
        saves.Saved();
        Assert.True(saves.Due(unsaved: 4000, inflight: 3));
        Assert.True(saves.Due(unsaved: 10, inflight: 0));
        Assert.False(saves.Due(unsaved: 0, inflight: 0));
    }

    [Fact]
    public void The_status_message_rate_limit_allows_one_per_interval_whichever_way_the_wall_clock_steps()
    {
        var limit = new RateLimit(_clock, TimeSpan.FromSeconds(1));
        Assert.True(limit.TryTake());
        Assert.False(limit.TryTake());

        _clock.StepWallClock(-Hours);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limit.TryTake(), "nothing allowed a second later: the wall clock went back");

        _clock.StepWallClock(Hours);
        Assert.False(limit.TryTake(), "a second one allowed at once: the wall clock went forward");
        Assert.Equal(TimeSpan.FromSeconds(1), limit.Wait);
        _clock.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(TimeSpan.FromMilliseconds(600), limit.Wait);
    }
}
