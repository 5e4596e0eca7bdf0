using System.Globalization;
using Edge.Appliance.Meet;

namespace Edge.Appliance.Results;

/// <summary>
/// How times, paces and statuses are written everywhere: pages, displays, API, CSV. Every formatter is total: a
/// value no race could have (a read at an absurd instant, stored by an older build or a garbled controller clock)
/// is written as <see cref="InvalidTime"/>, never thrown on, so one bad read cannot take a page down.
/// </summary>
public static class ResultFormat
{
    /// <summary>Written instead of a time or pace that is out of range.</summary>
    public const string InvalidTime = "invalid time";

    /// <summary>Longest time shown: longer than any footrace (the longest, 3,100 miles, allows 52 days).</summary>
    public static readonly TimeSpan LongestTime = TimeSpan.FromDays(100);

    /// <summary>Earliest instant shown (Unix milliseconds): no controller's time is before the Unix epoch.</summary>
    public const long FirstInstantMs = 0;

    /// <summary>First instant no longer shown, 2100-01-01: the box takes no read's time from that far ahead.</summary>
    public const long EndInstantMs = 4_102_444_800_000;

    /// <summary>"h:mm:ss.ff" (hundredths, truncated as timing convention has it) or "h:mm:ss", "" when unknown.</summary>
    public static string Time(TimeSpan? t, bool hundredths = true)
    {
        if (t is not { } time)
        {
            return "";
        }

        if (time > LongestTime || time < -LongestTime)
        {
            return InvalidTime;
        }

        var sign = time < TimeSpan.Zero ? "-" : "";
        var total = Math.Abs(time.Ticks) / (TimeSpan.TicksPerMillisecond * 10);
        var h = total / 360_000;
        var m = total / 6_000 % 60;
        var s = total / 100 % 60;
        var f = total % 100;
        return hundredths
            ? string.Create(CultureInfo.InvariantCulture, $"{sign}{h}:{m:00}:{s:00}.{f:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{sign}{h}:{m:00}:{s:00}");
    }

    /// <summary>
    /// Which time a race's places go by: its <c>rankBy</c>, or chip time while a gun-ranked race has no gun yet (no
    /// runner has a gun time then, and the engine places by chip time).
    /// </summary>
    public static RankBy RankedBy(RaceResults results) =>
        results.Race.RankBy == RankBy.Gun && results.GunMs is null ? RankBy.Chip : results.Race.RankBy;

    /// <summary>The time a row is placed by: its gun or its chip time.</summary>
    public static TimeSpan? RankingTime(ResultRow row, RankBy rankedBy) => rankedBy == RankBy.Gun ? row.GunTime : row.ChipTime;

    /// <summary>The time a row is not placed by, shown second.</summary>
    public static TimeSpan? OtherTime(ResultRow row, RankBy rankedBy) => rankedBy == RankBy.Gun ? row.ChipTime : row.GunTime;

    /// <summary>"Gun" or "Chip"; <see cref="Other"/> is the other one.</summary>
    public static string TimeName(RankBy by) => by == RankBy.Gun ? "Gun" : "Chip";

    public static RankBy Other(RankBy by) => by == RankBy.Gun ? RankBy.Chip : RankBy.Gun;

    /// <summary>"m:ss" per unit, or "" when unknown.</summary>
    public static string Pace(TimeSpan? perUnit)
    {
        if (perUnit is not { } pace || pace <= TimeSpan.Zero)
        {
            return "";
        }

        if (pace > LongestTime)
        {
            return InvalidTime;
        }

        var seconds = (long)pace.TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:00}");
    }

    public static string Status(ParticipantStatus status) => status switch
    {
        ParticipantStatus.Registered => "registered",
        ParticipantStatus.Started => "started",
        ParticipantStatus.OnCourse => "onCourse",
        ParticipantStatus.Finished => "finished",
        ParticipantStatus.Dnf => "dnf",
        _ => "dq",
    };

    /// <summary>
    /// The instant of a controller time, or null when it is outside what the box shows (<see cref="FirstInstantMs"/>
    /// to <see cref="EndInstantMs"/>; well inside <see cref="DateTimeOffset"/>'s range in any time zone).
    /// </summary>
    public static DateTimeOffset? Instant(long atMs) =>
        atMs is >= FirstInstantMs and < EndInstantMs ? DateTimeOffset.FromUnixTimeMilliseconds(atMs) : null;

    /// <summary>A controller time as the event's local clock shows it, "08:45:12.34" or "08:45:12".</summary>
    public static string ClockTime(long atMs, TimeZoneInfo zone, bool hundredths = true)
    {
        if (Instant(atMs) is not { } instant)
        {
            return InvalidTime;
        }

        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return local.ToString(hundredths ? "HH:mm:ss.ff" : "HH:mm:ss", CultureInfo.InvariantCulture);
    }
}
