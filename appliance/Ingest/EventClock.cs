using Edge.Appliance.Meet;

namespace Edge.Appliance.Ingest;

/// <summary>
/// Places a controller's time on the timeline: the event's date and time zone apply to times that do not
/// carry them (CTP01 normal, msecs, iso without offset). The box's own clock is never consulted.
/// </summary>
/// A reloaded meet folder applies to reads that arrive after it.
public sealed class EventClock(Func<MeetEvent> current)
{
    public EventClock(MeetEvent meet)
        : this(() => meet)
    {
    }

    /// <summary>True when time-of-day reads can be dated; otherwise they are placed on 1970-01-01 and still stored with their raw line.</summary>
    public bool HasDate => current().Date.HasValue;

    public long ToUnixMilliseconds(ReadTime time)
    {
        var meet = current();
        var midnightTicks = (meet.Date ?? DateOnly.FromDateTime(DateTime.UnixEpoch)).ToDateTime(TimeOnly.MinValue).Ticks;
        var utcTicks = time.Kind switch
        {
            ReadTimeKind.Instant => time.Ticks,
            ReadTimeKind.LocalDateTime => LocalToUtc(meet, time.Ticks),
            _ => LocalToUtc(meet, midnightTicks + time.Ticks),
        };
        return (utcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
    }

    private static long LocalToUtc(MeetEvent meet, long localTicks)
    {
        if (localTicks < DateTime.MinValue.Ticks || localTicks > DateTime.MaxValue.Ticks)
        {
            // Outside any calendar: the session refuses the result as out of range.
            return localTicks;
        }

        var local = new DateTime(localTicks, DateTimeKind.Unspecified);
        // Ambiguous wall times (the repeated hour in autumn) take the zone's standard offset; times in the
        // spring gap take the offset before it. Either way the result is deterministic.
        return localTicks - meet.TimeZone.GetUtcOffset(local).Ticks;
    }
}
