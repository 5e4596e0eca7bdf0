namespace Edge.SyncAgent;

/// <summary>
/// A time limit measured on a <see cref="TimeProvider"/>'s monotonic clock (<see cref="TimeProvider.GetTimestamp"/>),
/// never on its wall clock: a Raspberry Pi has no battery clock, and chrony steps it by hours (either way) when it
/// first reaches a time server. A wall clock that jumps must not end a connect attempt early, make a wait last for
/// ever, or hold back a save; wall times are only ever reported (status, log lines).
/// </summary>
internal readonly struct Deadline
{
    private readonly TimeProvider _time;
    private readonly long _start;

    private Deadline(TimeProvider time, TimeSpan length)
    {
        _time = time;
        _start = time.GetTimestamp();
        Length = length;
    }

    /// <summary>A deadline <paramref name="length"/> from now.</summary>
    public static Deadline After(TimeProvider time, TimeSpan length) => new(time, length);

    public TimeSpan Length { get; }

    public TimeSpan Elapsed => _time.GetElapsedTime(_start);

    public bool Expired => Elapsed >= Length;

    /// <summary>What is left of it (zero once expired).</summary>
    public TimeSpan Remaining => Length - Elapsed is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
}

/// <summary>
/// At most one of something per interval, on a <see cref="TimeProvider"/>'s monotonic clock (see <see cref="Deadline"/>):
/// <see cref="Wait"/> says how long until the next one is allowed.
/// </summary>
internal sealed class RateLimit(TimeProvider time, TimeSpan interval)
{
    private long? _last;

    public TimeSpan Interval { get; } = interval;

    /// <summary>Time until the next one is allowed: zero when it is allowed now.</summary>
    public TimeSpan Wait => _last is { } last && Interval - time.GetElapsedTime(last) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    /// <summary>True (and counted) when one is allowed now.</summary>
    public bool TryTake()
    {
        if (Wait > TimeSpan.Zero)
        {
            return false;
        }

        Took();
        return true;
    }

    /// <summary>Counts one that went regardless of the limit (a state change).</summary>
    public void Took() => _last = time.GetTimestamp();
}
