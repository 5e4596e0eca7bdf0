using Edge.Appliance.Meet;
using Edge.Appliance.Results;
using Edge.Appliance.Web;

namespace Edge.Tests.Web;

/// <summary>
/// Every formatter that turns stored milliseconds into text is total: whatever is in the database (a read at year
/// 33658, the extremes of a long), a page gets a placeholder, never an exception.
/// </summary>
public class TimeFormatTests
{
    /// <summary>Instants no page can show: before the Unix epoch, past 2100, past DateTimeOffset's range, the extremes of a long.</summary>
    public static TheoryData<long> AbsurdInstants => new()
    {
        long.MinValue,
        -62_135_596_800_001, // a millisecond before DateTimeOffset.MinValue
        -62_135_596_800_000, // DateTimeOffset.MinValue
        -1,
        ResultFormat.EndInstantMs, // 2100-01-01
        253_402_300_799_999, // DateTimeOffset.MaxValue
        253_402_300_800_000,
        999_999_999_999_000, // year 33658
        long.MaxValue,
    };

    /// <summary>UTC, the furthest ahead (+14), the furthest behind (-12), and one with daylight saving time.</summary>
    private static readonly string[] ZoneIds = ["UTC", "Pacific/Kiritimati", "Etc/GMT+12", "America/Los_Angeles"];

    public static TheoryData<string> Zones
    {
        get
        {
            var zones = new TheoryData<string>();
            foreach (var id in ZoneIds)
            {
                zones.Add(id);
            }

            return zones;
        }
    }

    [Theory]
    [MemberData(nameof(AbsurdInstants))]
    public void A_clock_time_at_an_absurd_instant_is_the_placeholder_in_every_zone(long atMs)
    {
        foreach (var zone in ZoneIds.Select(TimeZoneInfo.FindSystemTimeZoneById))
        {
            Assert.Equal(ResultFormat.InvalidTime, ResultFormat.ClockTime(atMs, zone));
            Assert.Equal(ResultFormat.InvalidTime, ResultFormat.ClockTime(atMs, zone, hundredths: false));
            Assert.Equal(ResultFormat.InvalidTime, PhonePages.Clock(atMs, MeetIn(zone)));
        }

        Assert.Null(ResultFormat.Instant(atMs));
    }

    [Theory]
    [MemberData(nameof(Zones))]
    public void Clock_times_inside_the_window_are_shown_in_every_zone_up_to_its_edges(string zoneId)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        foreach (var atMs in new[] { ResultFormat.FirstInstantMs, ResultFormat.EndInstantMs - 1, 1_777_708_804_710 })
        {
            Assert.Matches(@"^\d\d:\d\d:\d\d\.\d\d$", ResultFormat.ClockTime(atMs, zone));
            Assert.Matches(@"^\d\d:\d\d:\d\d$", PhonePages.Clock(atMs, MeetIn(zone)));
            Assert.Equal(atMs, ResultFormat.Instant(atMs)!.Value.ToUnixTimeMilliseconds());
        }

        Assert.Equal("08:00:04.71", ResultFormat.ClockTime(1_777_708_804_710, TimeZoneInfo.Utc));
        Assert.Equal("08:00:04", PhonePages.Clock(1_777_708_804_710, MeetIn(TimeZoneInfo.Utc)));
    }

    [Fact]
    public void A_time_beyond_any_race_is_the_placeholder_and_a_real_one_is_shown_as_before()
    {
        foreach (var t in new[] { TimeSpan.MinValue, TimeSpan.MaxValue, ResultFormat.LongestTime + TimeSpan.FromTicks(1), -ResultFormat.LongestTime - TimeSpan.FromTicks(1) })
        {
            Assert.Equal(ResultFormat.InvalidTime, ResultFormat.Time(t));
            Assert.Equal(ResultFormat.InvalidTime, ResultFormat.Time(t, hundredths: false));
        }

        Assert.Equal("", ResultFormat.Time(null));
        Assert.Equal("0:42:07.43", ResultFormat.Time(new TimeSpan(0, 0, 42, 7, 439)));
        Assert.Equal("0:42:07", ResultFormat.Time(new TimeSpan(0, 0, 42, 7, 439), hundredths: false));
        Assert.Equal("-0:00:01.50", ResultFormat.Time(TimeSpan.FromMilliseconds(-1_500)));
        Assert.Equal("1248:00:00.00", ResultFormat.Time(TimeSpan.FromDays(52)));
        Assert.Equal("2400:00:00.00", ResultFormat.Time(ResultFormat.LongestTime));
    }

    [Fact]
    public void A_pace_beyond_any_race_is_the_placeholder_without_a_unit()
    {
        Assert.Equal(ResultFormat.InvalidTime, ResultFormat.Pace(TimeSpan.MaxValue));
        Assert.Equal(ResultFormat.InvalidTime, PhonePages.PerUnit(TimeSpan.MaxValue, "/km"));
        Assert.Equal("", ResultFormat.Pace(TimeSpan.MinValue));
        Assert.Equal("", ResultFormat.Pace(TimeSpan.Zero));
        Assert.Equal("", PhonePages.PerUnit(null, "/km"));
        Assert.Equal("4:12", ResultFormat.Pace(TimeSpan.FromSeconds(252.9)));
        Assert.Equal("4:12/km", PhonePages.PerUnit(TimeSpan.FromSeconds(252.9), "/km"));
    }

    [Fact]
    public void A_segment_pace_is_worked_out_without_overflowing()
    {
        Assert.Equal("4:00/km", PhonePages.SegmentPace(10, TimeSpan.FromMinutes(40), 5, TimeSpan.FromMinutes(20)));
        // TimeSpan arithmetic would throw on each of these.
        Assert.Equal(ResultFormat.InvalidTime, PhonePages.SegmentPace(10, TimeSpan.MaxValue, 9.999, TimeSpan.FromMinutes(20)));
        Assert.Equal(ResultFormat.InvalidTime, PhonePages.SegmentPace(10, TimeSpan.MaxValue, 5, TimeSpan.MinValue));
        Assert.Equal("", PhonePages.SegmentPace(10, TimeSpan.MinValue, 5, TimeSpan.MaxValue));
        Assert.Equal("", PhonePages.SegmentPace(double.NaN, TimeSpan.FromMinutes(40), 5, TimeSpan.FromMinutes(20)));
        Assert.Equal("", PhonePages.SegmentPace(null, TimeSpan.FromMinutes(40), 5, TimeSpan.FromMinutes(20)));
        Assert.Equal("", PhonePages.SegmentPace(5, TimeSpan.FromMinutes(40), 5, TimeSpan.FromMinutes(20)));
    }

    private static Meet MeetIn(TimeZoneInfo zone) => Meet.Empty with { Event = Meet.Empty.Event with { TimeZone = zone } };
}
