using System.Diagnostics;

namespace Edge.Simulator;

/// <summary>
/// The race clock: how much of the timeline has happened. It runs independently of connections so a client that
/// reconnects has a backlog to catch up on, as real middleware would.
/// </summary>
internal sealed class ReleaseClock(int totalReads, double readsPerSecond)
{
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(1);

    private long _startTimestamp;

    public bool Paced => readsPerSecond > 0;

    public void StartOnce() => Interlocked.CompareExchange(ref _startTimestamp, Stopwatch.GetTimestamp(), 0);

    public int Released
    {
        get
        {
            if (!Paced)
            {
                return totalReads;
            }

            var start = Interlocked.Read(ref _startTimestamp);
            if (start == 0)
            {
                return 0;
            }

            var released = Stopwatch.GetElapsedTime(start).TotalSeconds * readsPerSecond;
            return released >= totalReads ? totalReads : (int)released;
        }
    }

    /// <summary>How long until one more read is released; infinite when nothing more will be.</summary>
    public TimeSpan UntilNextRelease()
    {
        var start = Interlocked.Read(ref _startTimestamp);
        var released = Released;
        if (!Paced || start == 0 || released >= totalReads)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var due = TimeSpan.FromSeconds((released + 1) / readsPerSecond) - Stopwatch.GetElapsedTime(start);
        return due < MinimumWait ? MinimumWait : due;
    }
}
