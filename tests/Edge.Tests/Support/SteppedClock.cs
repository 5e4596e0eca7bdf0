namespace Edge.Tests.Support;

/// <summary>
/// The box's clocks as chrony leaves them on a Pi without a battery-backed clock: the monotonic clock and timers
/// run on as the system's do, while the wall clock (<see cref="GetUtcNow"/>) is stepped, by hours, either way.
/// </summary>
public sealed class SteppedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Steps the wall clock by <paramref name="by"/>; negative steps it back.</summary>
    public void Step(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
