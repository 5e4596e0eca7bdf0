namespace Edge.Appliance.Ingest;

/// <summary>
/// One location's recent reads as the monitor keeps them: counts per minute of the box's clock in a ring, the
/// offsets of the last reads that arrived live, and the latest read. Fixed size whatever the read rate.
/// </summary>
/// <remarks>
/// The offset of a read is its time (the controller's clock) minus the box's clock when it arrived. A read can only
/// arrive after it happened, so offsets from live reads cluster just below the controller's true offset, while reads
/// from a backlog (sent after a reconnect, or held by the middleware) sit far below it. A read is left out as late
/// when its offset is more than <see cref="LateBy"/> below the highest offset of the last ten minutes. When every
/// read has been "late" for a minute of the box's clock it is no backlog (that arrives in seconds) but a controller
/// whose clock was set back: the reference starts again from those reads.
/// </remarks>
internal sealed class LocationWatch(string name)
{
    /// <summary>Minutes kept: the 30 the console shows plus room for the spike rule's baseline.</summary>
    public const int RingMinutes = 32;

    /// <summary>Offsets kept for the median.</summary>
    public const int OffsetSamples = 50;

    /// <summary>Offsets kept per minute for the drift figure.</summary>
    private const int MinuteSamples = 9;

    /// <summary>Minutes back the highest offset is looked for.</summary>
    private const int ReferenceMinutes = 10;

    private const long MinuteMs = 60_000;

    public static readonly TimeSpan LateBy = TimeSpan.FromSeconds(10);

    /// <summary>How long reads may all be late before they are taken as a controller's clock set back.</summary>
    public static readonly TimeSpan StepBackAfter = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly Minute[] _minutes = [.. Enumerable.Range(0, RingMinutes).Select(_ => new Minute())];
    private readonly long[] _offsets = new long[OffsetSamples];
    private int _offsetCount;
    private int _offsetNext;
    private long _referenceFloor = long.MinValue;
    private long? _lateSince;
    private long _late;
    private long _reads;
    // The latest read's fields, not a record per read: ingest allocates nothing here.
    private string? _lastTag;
    private long _lastReceivedMs;
    private long _lastReadAtMs;
    private long _lastAtMs;

    public string Name { get; } = name;

    /// <summary>Takes one read in; <paramref name="resend"/> lines are only counted as such.</summary>
    public void Add(string tag, long atMs, long receivedMs, bool resend, bool unknown)
    {
        var minute = Math.DivRem(receivedMs, MinuteMs, out var rest) - (rest < 0 ? 1 : 0);
        lock (_lock)
        {
            var bucket = Bucket(minute);
            if (resend)
            {
                bucket.Resent++;
                return;
            }

            bucket.Reads++;
            bucket.Unknown += unknown ? 1 : 0;
            _reads++;
            (_lastTag, _lastReceivedMs, _lastReadAtMs) = (tag, receivedMs, atMs);
            _lastAtMs = Math.Max(_lastAtMs, atMs);

            var offset = atMs - receivedMs;
            if (Reference(minute) is { } reference && offset < reference - (long)LateBy.TotalMilliseconds)
            {
                _late++;
                _lateSince ??= receivedMs;
                if (receivedMs - _lateSince.Value < (long)StepBackAfter.TotalMilliseconds)
                {
                    return;
                }

                // Late for a minute on end: the controller's clock went back. Measure from here on.
                _referenceFloor = minute;
                bucket.MaxOffset = long.MinValue;
                _offsetCount = 0;
                _offsetNext = 0;
            }

            _lateSince = null;
            bucket.MaxOffset = Math.Max(bucket.MaxOffset, offset);
            if (bucket.SampleCount < MinuteSamples)
            {
                bucket.Samples[bucket.SampleCount++] = offset;
            }

            _offsets[_offsetNext] = offset;
            _offsetNext = (_offsetNext + 1) % OffsetSamples;
            _offsetCount = Math.Min(_offsetCount + 1, OffsetSamples);
        }
    }

    /// <summary>The latest read time (controller clock) seen here since the box started, 0 for none.</summary>
    public long LastAtMs
    {
        get
        {
            lock (_lock)
            {
                return _lastAtMs;
            }
        }
    }

    /// <summary>The location's figures as of <paramref name="nowMs"/> (box clock): <paramref name="minutes"/> minutes, oldest first.</summary>
    public LocationFigures Figures(long nowMs, int minutes, TimeSpan driftThreshold)
    {
        var now = Math.DivRem(nowMs, MinuteMs, out var rest) - (rest < 0 ? 1 : 0);
        lock (_lock)
        {
            var counts = new MinuteCount[minutes];
            var unknown = new int[RingMinutes];
            for (var k = 0; k < RingMinutes; k++)
            {
                // unknown[k]: the minute k before the current one (0 = current).
                var bucket = Existing(now - k);
                unknown[k] = bucket?.Unknown ?? 0;
                if (k < minutes)
                {
                    counts[minutes - 1 - k] = new MinuteCount(
                        DateTimeOffset.FromUnixTimeMilliseconds((now - k) * MinuteMs), bucket?.Reads ?? 0, bucket?.Unknown ?? 0, bucket?.Resent ?? 0);
                }
            }

            ClockOffset? offset = null;
            if (_offsetCount > 0)
            {
                var drift = Drift(now, minutes);
                offset = new ClockOffset(Median(_offsets.AsSpan(0, _offsetCount)) / 1000.0, _offsetCount, _late, drift / 1000.0,
                    drift > driftThreshold.TotalMilliseconds);
            }

            var last = _lastTag is null ? null
                : new LastRead(Name, _lastTag, DateTimeOffset.FromUnixTimeMilliseconds(_lastReceivedMs), DateTimeOffset.FromUnixTimeMilliseconds(_lastReadAtMs));
            return new LocationFigures(counts, unknown, offset, last, _reads);
        }
    }

    /// <summary>Highest minus lowest of the per-minute median offsets over the window.</summary>
    private double Drift(long now, int minutes)
    {
        double? low = null, high = null;
        for (var k = 0; k < minutes; k++)
        {
            if (Existing(now - k) is { SampleCount: > 0 } bucket)
            {
                var median = Median(bucket.Samples.AsSpan(0, bucket.SampleCount));
                low = Math.Min(low ?? median, median);
                high = Math.Max(high ?? median, median);
            }
        }

        return high - low ?? 0;
    }

    private long? Reference(long minute)
    {
        long? reference = null;
        for (var k = 0; k < ReferenceMinutes; k++)
        {
            if (minute - k >= _referenceFloor && Existing(minute - k) is { MaxOffset: > long.MinValue } bucket)
            {
                reference = Math.Max(reference ?? long.MinValue, bucket.MaxOffset);
            }
        }

        return reference;
    }

    private Minute? Existing(long minute)
    {
        var bucket = _minutes[Slot(minute)];
        return bucket.Key == minute ? bucket : null;
    }

    private Minute Bucket(long minute)
    {
        var bucket = _minutes[Slot(minute)];
        if (bucket.Key != minute)
        {
            bucket.Reset(minute);
        }

        return bucket;
    }

    private static int Slot(long minute) => (int)(((minute % RingMinutes) + RingMinutes) % RingMinutes);

    private static double Median(ReadOnlySpan<long> values)
    {
        Span<long> sorted = stackalloc long[values.Length];
        values.CopyTo(sorted);
        sorted.Sort();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    private sealed class Minute
    {
        public long Key { get; private set; } = long.MinValue;
        public int Reads { get; set; }
        public int Unknown { get; set; }
        public int Resent { get; set; }
        public long MaxOffset { get; set; } = long.MinValue;
        public long[] Samples { get; } = new long[MinuteSamples];
        public int SampleCount { get; set; }

        public void Reset(long key)
        {
            Key = key;
            Reads = Unknown = Resent = SampleCount = 0;
            MaxOffset = long.MinValue;
        }
    }
}

/// <summary>One location's figures at one moment.</summary>
/// <param name="Minutes">The window, oldest first.</param>
/// <param name="UnknownBack">Unknown reads per minute back from the current one (index 0), <see cref="LocationWatch.RingMinutes"/> long.</param>
/// <param name="Offset">The controller's clock against the box's; null before a live read.</param>
/// <param name="LastRead">The latest new read.</param>
/// <param name="Reads">New reads since the box started.</param>
internal sealed record LocationFigures(MinuteCount[] Minutes, int[] UnknownBack, ClockOffset? Offset, LastRead? LastRead, long Reads);
