using Edge.Online.Http;
using Edge.Online.Tests.Support;

namespace Edge.Online.Tests.Http;

/// <summary>The token bucket: a burst, then the refill, and never more than the budget in any one hour.</summary>
public class RequestBudgetTests
{
    [Fact]
    public void A_burst_goes_at_once_then_calls_are_spaced_by_the_refill()
    {
        var clock = new JumpingClock();
        var budget = new RequestBudget(requestsPerHour: 1000, burst: 100, clock);

        var burst = Enumerable.Range(0, 100).Select(_ => budget.TryTake()).ToList();
        var next = budget.TryTake();

        Assert.All(burst, wait => Assert.Equal(TimeSpan.Zero, wait));
        // 900 an hour after the burst: one every 4 s.
        Assert.Equal(TimeSpan.FromSeconds(4), next);
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(TimeSpan.Zero, budget.TryTake());
        Assert.True(budget.TryTake() > TimeSpan.Zero);
    }

    [Fact]
    public async Task No_hour_sees_more_calls_than_the_budget()
    {
        var clock = new JumpingClock();
        var budget = new RequestBudget(requestsPerHour: 60, burst: 10, clock);
        var calls = new List<TimeSpan>();

        for (var i = 0; i < 200; i++)
        {
            await budget.TakeAsync(TimeSpan.FromHours(1), "a service", CancellationToken.None);
            calls.Add(clock.Elapsed);
        }

        // Over about three hours of calls, every window of an hour, wherever it starts, holds at most 60.
        Assert.True(clock.Elapsed > TimeSpan.FromHours(2.5), $"200 calls at 60 an hour took {clock.Elapsed}");
        foreach (var start in calls)
        {
            var inHour = calls.Count(t => t >= start && t < start + TimeSpan.FromHours(1));
            Assert.True(inHour <= 60, $"{inHour} calls in the hour from {start}");
        }

        // And the budget is used: a burst of 10, then one every 72 s.
        Assert.InRange(calls.Count(t => t < TimeSpan.FromHours(1)), 58, 60);
    }

    [Fact]
    public async Task A_wait_longer_than_the_client_takes_fails_with_the_wait_in_the_message()
    {
        var clock = new JumpingClock();
        var budget = new RequestBudget(requestsPerHour: 2, burst: 1, clock);
        await budget.TakeAsync(TimeSpan.Zero, "RunSignUp", CancellationToken.None);

        var e = await Assert.ThrowsAsync<OnlineException>(() => budget.TakeAsync(TimeSpan.FromMinutes(10), "RunSignUp", CancellationToken.None));

        Assert.Equal(OnlineProblem.BudgetSpent, e.Problem);
        Assert.Contains("the request budget for RunSignUp (2 calls an hour) is spent: the next call could go in 60 min", e.Message, StringComparison.Ordinal);
        Assert.Empty(clock.Waits);
    }

    [Theory]
    [InlineData(100, 100)]
    [InlineData(100, 0)]
    [InlineData(1, 1)]
    public void A_burst_must_leave_room_for_a_refill(int perHour, int burst) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestBudget(perHour, burst));
}
