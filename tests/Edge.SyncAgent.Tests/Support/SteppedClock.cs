namespace Edge.SyncAgent.Tests.Support;

/// <summary>
/// A <see cref="TimeProvider"/> whose two clocks the test moves: <see cref="Advance"/> lets time pass (both move),
/// <see cref="StepWallClock"/> is chrony stepping the wall clock of a box without a battery clock (only the wall
/// clock moves, by hours, either way). Not thread-safe: one test thread drives it.
/// </summary>
public sealed class SteppedClock : TimeProvider
{
    private long _timestamp = 42 * TimeSpan.TicksPerDay;
    private DateTimeOffset _wall = new(1970, 1, 1, 0, 0, 12, TimeSpan.Zero);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _timestamp;

    public override DateTimeOffset GetUtcNow() => _wall;

    public void Advance(TimeSpan time)
    {
        _timestamp += time.Ticks;
        _wall += time;
    }

    public void StepWallClock(TimeSpan step) => _wall += step;
}
