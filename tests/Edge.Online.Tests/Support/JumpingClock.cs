namespace Edge.Online.Tests.Support;

/// <summary>
/// A clock whose waits take no time: a timer jumps the clock forward by its due time and fires at once. Every wait is
/// recorded, so a test asserts what the client waited (a Retry-After, a backoff, the budget) without waiting itself.
/// </summary>
public sealed class JumpingClock(DateTimeOffset? start = null) : TimeProvider
{
    private readonly object _gate = new();
    private readonly DateTimeOffset _start = start ?? new DateTimeOffset(2026, 5, 2, 14, 0, 0, TimeSpan.Zero);
    private readonly List<TimeSpan> _waits = [];
    private long _elapsed;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public IReadOnlyList<TimeSpan> Waits
    {
        get
        {
            lock (_gate)
            {
                return [.. _waits];
            }
        }
    }

    public TimeSpan Elapsed
    {
        get
        {
            lock (_gate)
            {
                return TimeSpan.FromTicks(_elapsed);
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _start + TimeSpan.FromTicks(_elapsed);
        }
    }

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _elapsed;
        }
    }

    /// <summary>Moves the clock on without a wait (time passing between two calls).</summary>
    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _elapsed += by.Ticks;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Jump(callback, state);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (_gate)
            {
                _elapsed += dueTime.Ticks;
                _waits.Add(dueTime);
            }

            ThreadPool.UnsafeQueueUserWorkItem(_ => timer.Fire(), null);
        }

        return timer;
    }

    private sealed class Jump(TimerCallback callback, object? state) : ITimer
    {
        private int _disposed;

        public void Fire()
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                callback(state);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose() => Volatile.Write(ref _disposed, 1);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
