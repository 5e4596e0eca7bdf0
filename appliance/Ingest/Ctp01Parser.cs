using System.Buffers;
using System.Text.Unicode;

namespace Edge.Appliance.Ingest;

/// <summary>A field's place in a line: byte offset and length.</summary>
public readonly record struct FieldSpan(int Start, int Length)
{
    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> line) => line.Slice(Start, Length);
}

/// <summary>A CTP01 read line taken apart (CTFF01 field order). Text fields point into the line; nothing is allocated.</summary>
public readonly record struct ParsedRead(
    byte Separator,
    FieldSpan Format,
    uint Sequence,
    FieldSpan Location,
    FieldSpan Tag,
    ReadTime Time,
    int Lap,
    FieldSpan Reader,
    int Gator)
{
    public bool IsGun(ReadOnlySpan<byte> line) => Tag.Of(line).SequenceEqual("guntime"u8);

    public bool IsNewLocation(ReadOnlySpan<byte> line) => Tag.Of(line).SequenceEqual("newlocation"u8);
}

/// <summary>
/// CTP01 framing and read-line parsing as pure functions over bytes: no I/O, no allocation.
/// </summary>
public static class Ctp01Parser
{
    /// <summary>CTFF01 fields: format, sequence, location, tag, time, lap count, reader id, gator.</summary>
    public const int FieldCount = 8;

    // Bounds are looser than the spec (location 16, tag 8, reader 6 chars) to accept other senders, but still
    // small enough that a hostile line cannot make a row large.
    public const int MaxLocationBytes = 32;
    public const int MaxTagBytes = 32;
    public const int MaxReaderBytes = 16;

    /// <summary>
    /// Takes one line off the front of <paramref name="buffer"/>: bytes up to LF, without the LF and without a
    /// CR before it (CTP01 says CR LF; some senders end with LF only). Returns false, consuming nothing, when
    /// no complete line is buffered yet.
    /// </summary>
    public static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out line, (byte)'\n'))
        {
            return false;
        }

        if (!line.IsEmpty)
        {
            var lastByteAt = line.GetPosition(line.Length - 1);
            if (line.Slice(lastByteAt).FirstSpan[0] == '\r')
            {
                line = line.Slice(0, lastByteAt);
            }
        }

        buffer = buffer.Slice(reader.Position);
        return true;
    }

    /// <summary>True when the line looks like a read line (<c>CTnn_ss</c> first), as opposed to a command answer.</summary>
    public static bool LooksLikeRead(ReadOnlySpan<byte> line) => line.Length >= 2 && line[0] == 'C' && line[1] == 'T';

    /// <summary>Checks a line is text the rest of the box can hold: valid UTF-8, no control characters but tab.</summary>
    public static RejectReason CheckText(ReadOnlySpan<byte> line)
    {
        if (!Utf8.IsValid(line))
        {
            return RejectReason.InvalidUtf8;
        }

        foreach (var b in line)
        {
            if (b < 0x20 && b != '\t' || b == 0x7F)
            {
                return RejectReason.ControlCharacter;
            }
        }

        return RejectReason.None;
    }

    /// <summary>
    /// Parses a read line. The separator is the one the line actually uses after its 7-character format
    /// field, whatever the format's indicator says (PROTOCOLS.md §1 cautions).
    /// </summary>
    public static RejectReason TryParseRead(ReadOnlySpan<byte> line, out ParsedRead read)
    {
        read = default;
        var text = CheckText(line);
        if (text != RejectReason.None)
        {
            return text;
        }

        // CTnn_ss then a separator
        if (line.Length < 8 || line[0] != 'C' || line[1] != 'T' || !IsDigit(line[2]) || !IsDigit(line[3]) || line[4] != '_'
            || !IsHex(line[5]) || !IsHex(line[6]))
        {
            return RejectReason.UnknownFormat;
        }

        var separator = line[7];
        if (separator is not ((byte)',' or (byte)';' or (byte)'~' or (byte)'|' or (byte)'\t'))
        {
            return RejectReason.UnknownFormat;
        }

        Span<FieldSpan> fields = stackalloc FieldSpan[FieldCount];
        var count = 0;
        var start = 0;
        for (var i = 0; i <= line.Length; i++)
        {
            if (i < line.Length && line[i] != separator)
            {
                continue;
            }

            if (count == FieldCount)
            {
                return RejectReason.WrongFieldCount;
            }

            fields[count++] = new FieldSpan(start, i - start);
            start = i + 1;
        }

        if (count != FieldCount)
        {
            return RejectReason.WrongFieldCount;
        }

        if (!TryUInt(fields[1].Of(line), 9, out var sequence))
        {
            return RejectReason.BadSequence;
        }

        if (!IsName(fields[2].Of(line), MaxLocationBytes))
        {
            return RejectReason.BadLocation;
        }

        if (!IsName(fields[3].Of(line), MaxTagBytes))
        {
            return RejectReason.BadTag;
        }

        if (!ReadTime.TryParse(fields[4].Of(line), out var time))
        {
            return RejectReason.BadTime;
        }

        // A newlocation line only announces a location: its time is never a read's, and refusing it would leave the
        // location unstarted (CTP01 starts new locations only when asked).
        if (!time.IsPlausible && !fields[3].Of(line).SequenceEqual("newlocation"u8))
        {
            return RejectReason.TimeOutOfRange;
        }

        if (!TryUInt(fields[5].Of(line), 6, out var lap))
        {
            return RejectReason.BadLap;
        }

        var reader = fields[6].Of(line);
        if (reader.IsEmpty || reader.Length > MaxReaderBytes || reader.ContainsAnyExcept(AlphaNumeric))
        {
            return RejectReason.BadReader;
        }

        if (!TryUInt(fields[7].Of(line), 3, out var gator))
        {
            return RejectReason.BadGator;
        }

        read = new ParsedRead(separator, fields[0], sequence, fields[2], fields[3], time, (int)lap, fields[6], (int)gator);
        return RejectReason.None;
    }

    /// <summary>
    /// For a read line that was refused: its sequence number and location, when both fields can be read, so the
    /// refusal is accounted for under that location's numbering. False when either is unreadable.
    /// </summary>
    public static bool TryLocate(ReadOnlySpan<byte> line, out uint sequence, out FieldSpan location)
    {
        sequence = 0;
        location = default;
        if (line.Length < 8 || !LooksLikeRead(line) || line[7] is not ((byte)',' or (byte)';' or (byte)'~' or (byte)'|' or (byte)'\t'))
        {
            return false;
        }

        var separator = line[7];
        var rest = line[8..];
        var end = rest.IndexOf(separator);
        if (end < 0 || !TryUInt(rest[..end], 9, out sequence) || sequence == 0)
        {
            return false;
        }

        var start = 8 + end + 1;
        var length = line[start..].IndexOf(separator);
        location = new FieldSpan(start, length < 0 ? line.Length - start : length);
        return IsName(location.Of(line), MaxLocationBytes) && CheckText(location.Of(line)) == RejectReason.None;
    }

    private static readonly SearchValues<byte> AlphaNumeric =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    private static bool IsName(ReadOnlySpan<byte> s, int maxBytes) =>
        !s.IsEmpty && s.Length <= maxBytes && s[0] != ' ' && s[^1] != ' ' && s.IndexOf((byte)'\t') < 0;

    private static bool TryUInt(ReadOnlySpan<byte> s, int maxDigits, out uint value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > maxDigits)
        {
            return false;
        }

        foreach (var b in s)
        {
            if (!IsDigit(b))
            {
                return false;
            }

            value = value * 10 + (uint)(b - '0');
        }

        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool IsHex(byte b) => IsDigit(b) || (uint)((b | 0x20) - 'a') <= 5;
}
