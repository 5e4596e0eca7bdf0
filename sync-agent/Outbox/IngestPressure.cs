using System.Diagnostics;

namespace Edge.SyncAgent.Outbox;

/// <summary>
/// Watches how fast the appliance's log grows. While it grows faster than a real race ever reads (a burst
/// replayed by a restarted middleware, thousands of reads a second), the box's two cores belong to ingest:
/// the agent then publishes one message per pause and catches up at full speed once the burst is over.
/// </summary>
/// <remarks>Times are timestamps of a monotonic clock (<see cref="TimeProvider.GetTimestamp"/>) with <c>ticksPerSecond</c>
/// ticks a second; by default <see cref="Stopwatch"/>'s, which <see cref="TimeProvider.System"/> uses.</remarks>
public sealed class IngestPressure(double yieldAbovePerSecond, TimeSpan window, long ticksPerSecond = 0)
{
    private readonly Queue<(long Ticks, long LastId)> _samples = new();
    private readonly long _frequency = Frequency(ticksPerSecond);
    private readonly long _windowTicks = (long)(window.TotalSeconds * Frequency(ticksPerSecond));

    /// <summary>Records the log's highest id as seen at <paramref name="ticks"/> (a monotonic timestamp).</summary>
    public void Observe(long ticks, long lastId)
    {
        _samples.Enqueue((ticks, lastId));
        // Keep one sample older than the window so the rate always spans a whole window.
        while (_samples.Count > 2 && ticks - ElementAfterFirst().Ticks >= _windowTicks)
        {
            _samples.Dequeue();
        }
    }

    /// <summary>True while the log grew faster than the threshold over the last window.</summary>
    public bool IsHigh(long nowTicks)
    {
        if (yieldAbovePerSecond <= 0 || _samples.Count < 2)
        {
            return false;
        }

        var (firstTicks, firstId) = _samples.Peek();
        var span = nowTicks - firstTicks;
        if (span <= 0 || span > 2 * _windowTicks)
        {
            return false;
        }

        var grown = _samples.Last().LastId - firstId;
        return grown / ((double)Math.Max(span, _windowTicks) / _frequency) > yieldAbovePerSecond;
    }

    private (long Ticks, long LastId) ElementAfterFirst() => _samples.ElementAt(1);

    private static long Frequency(long ticksPerSecond) => ticksPerSecond > 0 ? ticksPerSecond : Stopwatch.Frequency;
}
