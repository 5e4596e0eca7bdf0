namespace Edge.Appliance.Store;

/// <summary>
/// Cumulative histogram of milliseconds with fixed bounds, as Prometheus exposes histograms. A benchmark takes
/// two snapshots and reads percentiles of the window between them.
/// </summary>
public sealed class LatencyHistogram
{
    public static IReadOnlyList<double> BoundsMs { get; } =
        [0.25, 0.5, 1, 2, 3, 4, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 250, 500, 1000, 2500, 5000];

    private readonly long[] _counts = new long[BoundsMs.Count + 1];
    private long _sumMicros;

    public void Record(TimeSpan elapsed)
    {
        var ms = elapsed.TotalMilliseconds;
        var i = 0;
        while (i < BoundsMs.Count && ms > BoundsMs[i])
        {
            i++;
        }

        Interlocked.Increment(ref _counts[i]);
        Interlocked.Add(ref _sumMicros, (long)(ms * 1000));
    }

    /// <summary>Count per bucket (not cumulative); the last bucket is everything above the largest bound.</summary>
    public long[] Snapshot()
    {
        var copy = new long[_counts.Length];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = Interlocked.Read(ref _counts[i]);
        }

        return copy;
    }

    public long Count => Snapshot().Sum();

    public double SumMs => Interlocked.Read(ref _sumMicros) / 1000.0;

    /// <summary>Upper bound of the bucket holding the given quantile of <paramref name="counts"/>; +Inf when past the last bound.</summary>
    public static double Quantile(long[] counts, double q)
    {
        var total = counts.Sum();
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(q * total);
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return i < BoundsMs.Count ? BoundsMs[i] : double.PositiveInfinity;
            }
        }

        return double.PositiveInfinity;
    }
}
