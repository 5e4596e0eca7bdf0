using System.Buffers;
using System.Text;
using Edge.Appliance.Ingest;
using Edge.Appliance.Meet;

namespace Edge.Tests.Ingest;

public class Ctp01ParserTests
{
    private static readonly string[] ValidLines =
    [
        "CT01_33~1~start~9478~14:02:15.31~0~0F2A38~1",
        "CT01_33~1~start~9478~2008-10-16T14:02:15.31~0~0F2A38~1",
        "CT01_33~1~start~9478~1224165735.31~0~0F2A38~1",
        "CT01_33~4~start~guntime~14:02:15.31~0~DF239A~0",
        "CT01_33~2038~30k~newlocation~14:02:15.31~0~ED932A~0",
        "CT01_13,1,start,12,06:08:32.02,1,0FA22E,4",
    ];

    [Fact]
    public void Every_proper_prefix_is_incomplete_and_consumes_nothing()
    {
        foreach (var valid in ValidLines)
        {
            var bytes = Encoding.ASCII.GetBytes(valid + "\r\n");
            for (var length = 0; length < bytes.Length; length++)
            {
                var buffer = new ReadOnlySequence<byte>(bytes, 0, length);
                var before = buffer;
                Assert.False(Ctp01Parser.TryReadLine(ref buffer, out _), $"prefix of {length} bytes of {valid}");
                Assert.Equal(before.Length, buffer.Length);
                Assert.True(buffer.Start.Equals(before.Start));
            }
        }
    }

    [Fact]
    public void A_line_split_at_every_byte_boundary_parses()
    {
        foreach (var valid in ValidLines)
        {
            var bytes = Encoding.ASCII.GetBytes(valid + "\r\n");
            for (var split = 1; split < bytes.Length; split++)
            {
                var buffer = Segments.Of(bytes[..split], bytes[split..]);
                Assert.True(Ctp01Parser.TryReadLine(ref buffer, out var line), $"split at {split} of {valid}");
                Assert.Equal(0, buffer.Length);
                var flat = line.ToArray();
                Assert.Equal(valid, Encoding.ASCII.GetString(flat));
                Assert.Equal(RejectReason.None, Ctp01Parser.TryParseRead(flat, out _));
            }
        }
    }

    [Fact]
    public void A_line_in_one_byte_segments_parses()
    {
        var bytes = Encoding.ASCII.GetBytes(ValidLines[1] + "\r\n");
        var buffer = Segments.Of([.. bytes.Select(b => new[] { b })]);
        Assert.True(Ctp01Parser.TryReadLine(ref buffer, out var line));
        Assert.Equal(ValidLines[1], Encoding.ASCII.GetString(line.ToArray()));
    }

    [Fact]
    public void Lines_end_with_crlf_or_lf_and_several_lines_come_off_one_buffer()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("a~b\r\nc~d\ne"));
        Assert.True(Ctp01Parser.TryReadLine(ref buffer, out var first));
        Assert.Equal("a~b", Encoding.ASCII.GetString(first.ToArray()));
        Assert.True(Ctp01Parser.TryReadLine(ref buffer, out var second));
        Assert.Equal("c~d", Encoding.ASCII.GetString(second.ToArray()));
        Assert.False(Ctp01Parser.TryReadLine(ref buffer, out _));
        Assert.Equal("e", Encoding.ASCII.GetString(buffer.ToArray()));
    }

    [Fact]
    public void A_cr_split_from_its_lf_is_still_removed()
    {
        var buffer = Segments.Of("CT01_33~1~start~1~14:02:15.31~0~0F2A38~1\r"u8.ToArray(), "\n"u8.ToArray());
        Assert.True(Ctp01Parser.TryReadLine(ref buffer, out var line));
        Assert.Equal(RejectReason.None, Ctp01Parser.TryParseRead(line.ToArray(), out _));
    }

    [Fact]
    public void Spec_examples_parse_to_the_right_fields()
    {
        var clock = new EventClock(new MeetEvent("t", new DateOnly(2008, 10, 16), TimeZoneInfo.Utc));
        var expected = new DateTimeOffset(2008, 10, 16, 14, 2, 15, 310, TimeSpan.Zero).ToUnixTimeMilliseconds();

        var normal = Parse(ValidLines[0]);
        Assert.Equal((1u, "start", "9478", 0, "0F2A38", 1), (normal.Read.Sequence, normal.Location, normal.Tag, normal.Read.Lap, normal.Reader, normal.Read.Gator));
        Assert.Equal((byte)'~', normal.Read.Separator);
        Assert.Equal(ReadTimeKind.TimeOfDay, normal.Read.Time.Kind);
        Assert.Equal(expected, clock.ToUnixMilliseconds(normal.Read.Time));

        var iso = Parse(ValidLines[1]);
        Assert.Equal(ReadTimeKind.LocalDateTime, iso.Read.Time.Kind);
        Assert.Equal(expected, clock.ToUnixMilliseconds(iso.Read.Time));

        // The spec's unix example is the same instant in UTC.
        var unix = Parse(ValidLines[2]);
        Assert.Equal(ReadTimeKind.Instant, unix.Read.Time.Kind);
        Assert.Equal(expected, clock.ToUnixMilliseconds(unix.Read.Time));

        var gun = Parse(ValidLines[3]);
        Assert.True(gun.Read.IsGun(Encoding.ASCII.GetBytes(ValidLines[3])));
        Assert.Equal((4u, "guntime", "DF239A", 0), (gun.Read.Sequence, gun.Tag, gun.Reader, gun.Read.Gator));

        var newLocation = Parse(ValidLines[4]);
        Assert.True(newLocation.Read.IsNewLocation(Encoding.ASCII.GetBytes(ValidLines[4])));
        Assert.Equal((2038u, "30k"), (newLocation.Read.Sequence, newLocation.Location));

        var comma = Parse(ValidLines[5]);
        Assert.Equal((byte)',', comma.Read.Separator);
        Assert.Equal((1u, "start", "12", 1, "0FA22E", 4), (comma.Read.Sequence, comma.Location, comma.Tag, comma.Read.Lap, comma.Reader, comma.Read.Gator));
        Assert.Equal(new TimeSpan(0, 6, 8, 32, 20).Ticks, comma.Read.Time.Ticks);
    }

    [Fact]
    public void The_separator_is_the_one_the_line_uses_not_the_one_its_format_claims()
    {
        Assert.Equal((byte)'~', Parse("CT01_13~1~start~12~06:08:32.02~1~0FA22E~4").Read.Separator);
        Assert.Equal((byte)';', Parse("CT01_23;1;start;12;06:08:32.02;1;0FA22E;4").Read.Separator);
        Assert.Equal((byte)'|', Parse("CT01_43|1|start|12|06:08:32.02|1|0FA22E|4").Read.Separator);
        Assert.Equal((byte)'\t', Parse("CT01_53\t1\tstart\t12\t06:08:32.02\t1\t0FA22E\t4").Read.Separator);
    }

    [Theory]
    [InlineData("14:02:15.31", 14, 2, 15, 310)]
    [InlineData("4:02:15.3", 4, 2, 15, 300)]
    [InlineData("14:02:15", 14, 2, 15, 0)]
    [InlineData("14:02:15.312", 14, 2, 15, 312)]
    public void Normal_times_are_time_of_day(string text, int h, int m, int s, int ms)
    {
        Assert.True(ReadTime.TryParse(Encoding.ASCII.GetBytes(text), out var time));
        Assert.Equal(new ReadTime(ReadTimeKind.TimeOfDay, new TimeSpan(0, h, m, s, ms).Ticks), time);
    }

    [Fact]
    public void Times_past_24_hours_carry_into_the_next_days()
    {
        Assert.True(ReadTime.TryParse("101:30:00.50"u8, out var time));
        Assert.Equal(TimeSpan.FromHours(101.5).Ticks + TimeSpan.FromMilliseconds(500).Ticks, time.Ticks);
        var clock = new EventClock(new MeetEvent("ultra", new DateOnly(2026, 7, 1), TimeZoneInfo.Utc));
        Assert.Equal(new DateTimeOffset(2026, 7, 5, 5, 30, 0, 500, TimeSpan.Zero).ToUnixTimeMilliseconds(), clock.ToUnixMilliseconds(time));
    }

    [Fact]
    public void Msecs_are_milliseconds_since_midnight()
    {
        Assert.True(ReadTime.TryParse("50535310"u8, out var time));
        Assert.Equal(new ReadTime(ReadTimeKind.TimeOfDay, new TimeSpan(0, 14, 2, 15, 310).Ticks), time);
    }

    [Fact]
    public void Iso_with_offset_or_z_is_an_instant_and_without_is_wall_clock_in_the_event_zone()
    {
        var pacific = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
        var clock = new EventClock(new MeetEvent("t", new DateOnly(2026, 5, 2), pacific));
        var instant = new DateTimeOffset(2026, 5, 2, 15, 0, 4, 710, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal(instant, At(clock, "2026-05-02T08:00:04.71"));       // PDT = UTC-7
        Assert.Equal(instant, At(clock, "2026-05-02T15:00:04.71Z"));
        Assert.Equal(instant, At(clock, "2026-05-02T17:00:04.71+02:00"));
        Assert.Equal(instant, At(clock, "08:00:04.71"));                  // normal time on the event day
    }

    [Fact]
    public void Unix_times_are_utc_whole_or_fractional()
    {
        Assert.True(ReadTime.TryParse("1224165735"u8, out var whole));
        Assert.Equal(ReadTimeKind.Instant, whole.Kind);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1224165735).UtcTicks, whole.Ticks);
    }

    [Theory]
    [InlineData("", RejectReason.UnknownFormat)]
    [InlineData("CT", RejectReason.UnknownFormat)]
    [InlineData("XX01_33~1~start~1~14:02:15.31~0~0F2A38~1", RejectReason.UnknownFormat)]
    [InlineData("CTx1_33~1~start~1~14:02:15.31~0~0F2A38~1", RejectReason.UnknownFormat)]
    [InlineData("CT01_3G~1~start~1~14:02:15.31~0~0F2A38~1", RejectReason.UnknownFormat)]
    [InlineData("CT01_33:1:start:1:14-02-15.31:0:0F2A38:1", RejectReason.UnknownFormat)]
    [InlineData("CT01_33~1~start~1~14:02:15.31~0~0F2A38", RejectReason.WrongFieldCount)]
    [InlineData("CT01_33~1~start~1~14:02:15.31~0~0F2A38~1~9", RejectReason.WrongFieldCount)]
    [InlineData("CT01_33~1~start~1~14:02:15.31~0~0F2A38~1~", RejectReason.WrongFieldCount)]
    [InlineData("CT01_33~~start~1~14:02:15.31~0~0F2A38~1", RejectReason.BadSequence)]
    [InlineData("CT01_33~-1~start~1~14:02:15.31~0~0F2A38~1", RejectReason.BadSequence)]
    [InlineData("CT01_33~1234567890~start~1~14:02:15.31~0~0F2A38~1", RejectReason.BadSequence)]
    [InlineData("CT01_33~1x~start~1~14:02:15.31~0~0F2A38~1", RejectReason.BadSequence)]
    [InlineData("CT01_33~1~~1~14:02:15.31~0~0F2A38~1", RejectReason.BadLocation)]
    [InlineData("CT01_33~1~a-location-name-far-longer-than-any-mat~1~14:02:15.31~0~0F2A38~1", RejectReason.BadLocation)]
    [InlineData("CT01_33~1~start~~14:02:15.31~0~0F2A38~1", RejectReason.BadTag)]
    [InlineData("CT01_33~1~start~ 101~14:02:15.31~0~0F2A38~1", RejectReason.BadTag)]
    [InlineData("CT01_33~1~start~1~~0~0F2A38~1", RejectReason.BadTime)]
    [InlineData("CT01_33~1~start~1~14:62:15.31~0~0F2A38~1", RejectReason.BadTime)]
    [InlineData("CT01_33~1~start~1~14:02:75.31~0~0F2A38~1", RejectReason.BadTime)]
    [InlineData("CT01_33~1~start~1~14:02:15.~0~0F2A38~1", RejectReason.BadTime)]
    [InlineData("CT01_33~1~start~1~14:02:15.31x~0~0F2A38~1", RejectReason.BadTime)]
    [InlineData("CT01_33~1~start~1~1402:15.31~0~0F2A38~1", RejectReason.BadTime)]
    [InlineData("CT01_33~1~start~1~2008-13-16T14:02:15.31~0~0F2A38~1", RejectReason.BadTime)]
    [InlineData("CT01_33~1~start~1~2008-02-30T14:02:15.31~0~0F2A38~1", RejectReason.BadTime)]
    [InlineData("CT01_33~1~start~1~2008-10-16T24:02:15.31~0~0F2A38~1", RejectReason.BadTime)]
    [InlineData("CT01_33~1~start~1~2008-10-16T14:02:15.31+5~0~0F2A38~1", RejectReason.BadTime)]
    [InlineData("CT01_33~1~start~1~12.3.4~0~0F2A38~1", RejectReason.BadTime)]
    [InlineData("CT01_33~1~start~1~14:02:15.12345678~0~0F2A38~1", RejectReason.BadTime)]
    [InlineData("CT01_33~1~start~1~14:02:15.31~a~0F2A38~1", RejectReason.BadLap)]
    [InlineData("CT01_33~1~start~1~14:02:15.31~~0F2A38~1", RejectReason.BadLap)]
    [InlineData("CT01_33~1~start~1~14:02:15.31~0~~1", RejectReason.BadReader)]
    [InlineData("CT01_33~1~start~1~14:02:15.31~0~0F:2A:38~1", RejectReason.BadReader)]
    [InlineData("CT01_33~1~start~1~14:02:15.31~0~0F2A38~", RejectReason.BadGator)]
    [InlineData("CT01_33~1~start~1~14:02:15.31~0~0F2A38~1234", RejectReason.BadGator)]
    [InlineData("CT01_33~1~start~1~14:02:15.31~0~0F2A38~-1", RejectReason.BadGator)]
    [InlineData("CT01_33~1~finish~100~999999999999~1~0F2A38~1", RejectReason.BadTime)]            // unix seconds past any calendar
    [InlineData("CT01_33~1~finish~100~99999999999.5~1~0F2A38~1", RejectReason.TimeOutOfRange)]      // year 5138
    [InlineData("CT01_33~1~finish~100~4102444800~1~0F2A38~1", RejectReason.TimeOutOfRange)]         // 2100-01-01
    [InlineData("CT01_33~1~finish~100~946684799.99~1~0F2A38~1", RejectReason.TimeOutOfRange)]       // a moment before 2000
    [InlineData("CT01_33~1~finish~100~9999-12-31T23:59:59.99Z~1~0F2A38~1", RejectReason.TimeOutOfRange)]
    [InlineData("CT01_33~1~finish~100~1970-01-01T00:00:00.00~1~0F2A38~1", RejectReason.TimeOutOfRange)]
    public void Malformed_lines_are_rejected_with_a_reason(string line, RejectReason reason)
    {
        Assert.Equal(reason, Ctp01Parser.TryParseRead(Encoding.UTF8.GetBytes(line), out _));
    }

    [Theory]
    [InlineData("CT01_33~1~finish~100~946684800.00~1~0F2A38~1")]      // 2000-01-01, the first instant taken
    [InlineData("CT01_33~1~finish~100~4102444799.99~1~0F2A38~1")]     // the last hundredth of 2099
    [InlineData("CT01_33~1~finish~100~2099-12-31T23:59:59.99Z~1~0F2A38~1")]
    [InlineData("CT01_33~1~finish~100~999:59:59.99~1~0F2A38~1")]      // a time of day is dated by the event
    [InlineData("CT01_33~2038~30k~newlocation~0.00~0~ED932A~0")]       // an announcement, whatever its clock says
    public void Times_inside_the_window_parse(string line)
    {
        Assert.Equal(RejectReason.None, Ctp01Parser.TryParseRead(Encoding.UTF8.GetBytes(line), out _));
    }

    [Theory]
    [InlineData("CT01_33~17~finish~100~garbled~1~0F2A38~1", true, 17u, "finish")]
    [InlineData("CT01_13,4,5k,100,x,1,0F2A38,1", true, 4u, "5k")]
    [InlineData("CT01_33~x~finish~100~garbled~1~0F2A38~1", false, 0u, "")]
    [InlineData("CT01_33~0~finish~100~garbled~1~0F2A38~1", false, 0u, "")]
    [InlineData("CT01_33~17~~100~garbled~1~0F2A38~1", false, 17u, "")]
    [InlineData("CT01_33~17", false, 0u, "")]
    [InlineData("hello", false, 0u, "")]
    public void A_refused_line_is_located_by_its_sequence_and_location_when_both_read(string line, bool located, uint sequence, string location)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        Assert.Equal(located, Ctp01Parser.TryLocate(bytes, out var seq, out var field));
        if (located)
        {
            Assert.Equal((sequence, location), (seq, Encoding.UTF8.GetString(field.Of(bytes))));
        }
    }

    [Fact]
    public void Invalid_utf8_and_control_characters_are_rejected()
    {
        var invalid = Encoding.ASCII.GetBytes("CT01_33~1~start~1~14:02:15.31~0~0F2A38~1");
        invalid[15] = 0xFF;
        Assert.Equal(RejectReason.InvalidUtf8, Ctp01Parser.TryParseRead(invalid, out _));
        Assert.Equal(RejectReason.InvalidUtf8, Ctp01Parser.TryParseRead([0xC3, 0x28, (byte)'~'], out _));
        Assert.Equal(RejectReason.ControlCharacter, Ctp01Parser.TryParseRead("CT01_33~1~st\0rt~1~14:02:15.31~0~0F2A38~1"u8, out _));
        Assert.Equal(RejectReason.ControlCharacter, Ctp01Parser.TryParseRead("CT01_33~1~st\u001brt~1~14:02:15.31~0~0F2A38~1"u8, out _));
    }

    [Fact]
    public void Utf8_location_names_are_accepted()
    {
        Assert.Equal("Ziel-Brücke", Parse("CT01_33~1~Ziel-Brücke~1~14:02:15.31~0~0F2A38~1").Location);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(42);
        var bytes = new byte[120];
        for (var i = 0; i < 20_000; i++)
        {
            random.NextBytes(bytes);
            var length = random.Next(bytes.Length);
            if (i % 2 == 0)
            {
                // Plausible prefix so the deeper field checks are reached too.
                "CT01_33~"u8.CopyTo(bytes);
            }

            _ = Ctp01Parser.TryParseRead(bytes.AsSpan(0, length), out _);
        }
    }

    private static long At(EventClock clock, string time)
    {
        Assert.True(ReadTime.TryParse(Encoding.ASCII.GetBytes(time), out var parsed), time);
        return clock.ToUnixMilliseconds(parsed);
    }

    private static (ParsedRead Read, string Location, string Tag, string Reader) Parse(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.Equal(RejectReason.None, Ctp01Parser.TryParseRead(bytes, out var read));
        return (read, Encoding.UTF8.GetString(read.Location.Of(bytes)), Encoding.UTF8.GetString(read.Tag.Of(bytes)), Encoding.UTF8.GetString(read.Reader.Of(bytes)));
    }
}

/// <summary>Builds multi-segment sequences, as a socket delivers bytes.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Of(params byte[][] parts)
    {
        var first = new Segments(parts[0], 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            var next = new Segments(part, last.RunningIndex + last.Memory.Length);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
