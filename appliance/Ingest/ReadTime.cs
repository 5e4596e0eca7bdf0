using System.Buffers.Text;

namespace Edge.Appliance.Ingest;

/// <summary>How much a controller's time says on its own.</summary>
public enum ReadTimeKind : byte
{
    /// <summary>An exact instant (unix, or iso with Z/offset). Ticks are UTC <see cref="DateTime"/> ticks.</summary>
    Instant,
    /// <summary>A wall-clock date and time in the event's zone (iso without offset). Ticks are <see cref="DateTime"/> ticks.</summary>
    LocalDateTime,
    /// <summary>Time since the event day's local midnight (normal, msecs); may pass 24 h. Ticks are a duration.</summary>
    TimeOfDay,
}

/// <summary>A read's time as the controller wrote it, before the event's date and zone are applied.</summary>
public readonly record struct ReadTime(ReadTimeKind Kind, long Ticks)
{
    /// <summary>Earliest instant the box takes as a read's time: anything before is a garbled or unset clock.</summary>
    public static readonly DateTime Earliest = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>First instant the box no longer takes as a read's time.</summary>
    public static readonly DateTime Latest = new(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Largest unix seconds value that is still a <see cref="DateTime"/> (9999-12-31); larger cannot be a time.</summary>
    private const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>
    /// False for a dated time outside <see cref="Earliest"/> to <see cref="Latest"/>. A time of day is dated by the
    /// event (see <see cref="IsPlausibleUnixMs"/> once it is).
    /// </summary>
    public bool IsPlausible => Kind == ReadTimeKind.TimeOfDay || (Ticks >= Earliest.Ticks && Ticks < Latest.Ticks);

    /// <summary>True when unix milliseconds fall inside <see cref="Earliest"/> to <see cref="Latest"/>.</summary>
    public static bool IsPlausibleUnixMs(long ms) =>
        ms >= (Earliest.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond
        && ms < (Latest.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    /// <summary>
    /// Parses every CTP01 time-format by shape, whatever was negotiated (senders differ):
    /// <c>hh:mm:ss.ff</c> or <c>hhh:mm:ss.ff</c> (normal), <c>2008-10-16T14:02:15.31[Z|±hh:mm]</c> (iso),
    /// <c>1224165735.31</c> (unix seconds), <c>50535310</c> (msecs since midnight).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out ReadTime time)
    {
        time = default;
        if (s.IsEmpty || s.Length > 40)
        {
            return false;
        }

        if (s.IndexOf((byte)'T') > 0 || s.IndexOf((byte)'-') > 0)
        {
            return TryParseIso(s, out time);
        }

        if (s.IndexOf((byte)':') >= 0)
        {
            if (!TryParseClock(s, maxHourDigits: 3, out var ticks))
            {
                return false;
            }

            time = new ReadTime(ReadTimeKind.TimeOfDay, ticks);
            return true;
        }

        var dot = s.IndexOf((byte)'.');
        var whole = dot < 0 ? s : s[..dot];
        if (whole.IsEmpty || whole.Length > 12 || !AllDigits(whole) || !Utf8Parser.TryParse(whole, out long value, out _))
        {
            return false;
        }

        if (dot >= 0 || whole.Length >= 10)
        {
            if (value > MaxUnixSeconds)
            {
                return false;
            }

            // unix seconds: 10 digits from 2001 to 2286
            if (!TryParseFraction(dot < 0 ? default : s[(dot + 1)..], dot >= 0, out var fraction))
            {
                return false;
            }

            time = new ReadTime(ReadTimeKind.Instant, DateTime.UnixEpoch.Ticks + value * TimeSpan.TicksPerSecond + fraction);
            return true;
        }

        time = new ReadTime(ReadTimeKind.TimeOfDay, value * TimeSpan.TicksPerMillisecond);
        return true;
    }

    private static bool TryParseIso(ReadOnlySpan<byte> s, out ReadTime time)
    {
        time = default;
        // yyyy-MM-ddT
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ')
            || !TryDigits(s[..4], out var year) || !TryDigits(s.Slice(5, 2), out var month) || !TryDigits(s.Slice(8, 2), out var day)
            || year < 1970 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        var rest = s[11..];
        var zone = rest.IndexOfAny((byte)'Z', (byte)'+', (byte)'-');
        var clock = zone < 0 ? rest : rest[..zone];
        if (!TryParseClock(clock, maxHourDigits: 2, out var ticks) || ticks >= TimeSpan.TicksPerDay)
        {
            return false;
        }

        var local = new DateTime(year, month, day).Ticks + ticks;
        if (zone < 0)
        {
            time = new ReadTime(ReadTimeKind.LocalDateTime, local);
            return true;
        }

        var z = rest[zone..];
        long offset = 0;
        if (z.Length == 1 && z[0] == 'Z')
        {
            offset = 0;
        }
        else if (z.Length == 6 && z[3] == ':' && TryDigits(z.Slice(1, 2), out var oh) && TryDigits(z.Slice(4, 2), out var om) && oh <= 14 && om < 60)
        {
            offset = (oh * 60L + om) * TimeSpan.TicksPerMinute * (z[0] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        time = new ReadTime(ReadTimeKind.Instant, local - offset);
        return true;
    }

    /// <summary>h[hh]:mm:ss[.fffffff] to ticks.</summary>
    private static bool TryParseClock(ReadOnlySpan<byte> s, int maxHourDigits, out long ticks)
    {
        ticks = 0;
        var firstColon = s.IndexOf((byte)':');
        if (firstColon < 1 || firstColon > maxHourDigits || s.Length < firstColon + 6 || s[firstColon + 3] != ':')
        {
            return false;
        }

        if (!TryDigits(s[..firstColon], out var hours) || !TryDigits(s.Slice(firstColon + 1, 2), out var minutes)
            || !TryDigits(s.Slice(firstColon + 4, 2), out var seconds) || minutes > 59 || seconds > 59)
        {
            return false;
        }

        var tail = s[(firstColon + 6)..];
        long fraction = 0;
        if (!tail.IsEmpty && (tail[0] != '.' || !TryParseFraction(tail[1..], required: true, out fraction)))
        {
            return false;
        }

        ticks = ((hours * 60L + minutes) * 60 + seconds) * TimeSpan.TicksPerSecond + fraction;
        return true;
    }

    /// <summary>Decimal fraction of a second (1..7 digits) to ticks.</summary>
    private static bool TryParseFraction(ReadOnlySpan<byte> s, bool required, out long ticks)
    {
        ticks = 0;
        if (s.IsEmpty)
        {
            return !required;
        }

        if (s.Length > 7 || !TryDigits(s, out var value))
        {
            return false;
        }

        long scale = TimeSpan.TicksPerSecond;
        for (var i = 0; i < s.Length; i++)
        {
            scale /= 10;
        }

        ticks = value * scale;
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 9)
        {
            return false;
        }

        foreach (var b in s)
        {
            var d = b - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            value = value * 10 + d;
        }

        return true;
    }

    private static bool AllDigits(ReadOnlySpan<byte> s) => !s.ContainsAnyExceptInRange((byte)'0', (byte)'9');
}
