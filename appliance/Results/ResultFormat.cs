using System.Globalization;

namespace Edge.Appliance.Results;

/// <summary>How times, paces and statuses are written everywhere: pages, displays, API, CSV.</summary>
public static class ResultFormat
{
    /// <summary>"h:mm:ss.ff" (hundredths, truncated as timing convention has it), or "" when unknown.</summary>
    public static string Time(TimeSpan? t)
    {
        if (t is not { } time)
        {
            return "";
        }

        var sign = time < TimeSpan.Zero ? "-" : "";
        var hundredths = Math.Abs(time.Ticks) / (TimeSpan.TicksPerMillisecond * 10);
        var h = hundredths / 360_000;
        var m = hundredths / 6_000 % 60;
        var s = hundredths / 100 % 60;
        var f = hundredths % 100;
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{h}:{m:00}:{s:00}.{f:00}");
    }

    /// <summary>"m:ss" per unit, or "" when unknown.</summary>
    public static string Pace(TimeSpan? perUnit)
    {
        if (perUnit is not { } pace || pace <= TimeSpan.Zero)
        {
            return "";
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

    /// <summary>A controller time as the event's local clock shows it, "08:45:12.34".</summary>
    public static string ClockTime(long atMs, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(atMs), zone);
        return local.ToString("HH:mm:ss.ff", CultureInfo.InvariantCulture);
    }
}
