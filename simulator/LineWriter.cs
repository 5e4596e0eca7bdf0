using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Edge.Simulator;

internal enum TimeFormat
{
    Normal,
    Iso,
    Unix,
    Msecs,
}

/// <summary>
/// Buffers outgoing lines of one connection and writes them in large batches; read lines are formatted straight into
/// the buffer as UTF-8 so an unpaced push costs no allocation per read.
/// </summary>
internal sealed class LineWriter(Stream stream, RaceFeed feed, ClientOptions options, Action<int> readsFlushed)
{
    private const int BufferSize = 64 * 1024;
    private const long CentisPerHour = 360_000;
    private const long CentisPerMinute = 6_000;
    private const long TicksPerCentisecond = TimeSpan.TicksPerMillisecond * 10;

    private static readonly byte[] CrLf = "\r\n"u8.ToArray();
    private static readonly byte[] Lf = "\n"u8.ToArray();

    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly byte[] _newLine = options.LineFeedOnly ? Lf : CrLf;
    private readonly char _separator = options.Separator[0];
    private readonly string _formatCode = FormatCodeFor(options.Separator);
    private int _length;
    private int _pendingReads;

    public TimeFormat TimeFormat { get; set; } = TimeFormat.Normal;

    public bool HasPending => _length > 0;

    /// <summary>CTFF01: the high hex digit of the format's subtype names the separator; 3 = CR LF terminated.</summary>
    public static string FormatCodeFor(string separator) => separator switch
    {
        "," => "CT01_13",
        ";" => "CT01_23",
        "~" => "CT01_33",
        "|" => "CT01_43",
        "\t" => "CT01_53",
        _ => throw new ArgumentException($"Separator '{separator}' is not one CTFF01 defines.", nameof(separator)),
    };

    public ValueTask WriteLineAsync(string line, CancellationToken cancellationToken) =>
        TryAppendLine(line) ? ValueTask.CompletedTask : FlushThenAsync(() => TryAppendLine(line), cancellationToken);

    public ValueTask WriteReadAsync(LocationFeed location, int index, CancellationToken cancellationToken) =>
        TryAppendRead(location, index) ? ValueTask.CompletedTask : FlushThenAppendReadAsync(location, index, cancellationToken);

    /// <summary>CTP01: a location that came online is announced as a read line with tag "newlocation".</summary>
    public ValueTask WriteNewLocationAsync(LocationFeed location, int sequence, long centis, CancellationToken cancellationToken)
    {
        bool Append() => TryAppendFields(sequence, location.Name, "newlocation", centis, 0, location.ReaderId, 0);
        return Append() ? ValueTask.CompletedTask : FlushThenAsync(Append, cancellationToken);
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_length == 0)
        {
            return;
        }

        await stream.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken).ConfigureAwait(false);
        _length = 0;
        var reads = _pendingReads;
        _pendingReads = 0;
        readsFlushed(reads);
    }

    private async ValueTask FlushThenAsync(Func<bool> append, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        if (!append())
        {
            throw new InvalidOperationException("A line does not fit the send buffer.");
        }
    }

    // Kept apart from WriteReadAsync so the hot path allocates no closure.
    private async ValueTask FlushThenAppendReadAsync(LocationFeed location, int index, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        if (!TryAppendRead(location, index))
        {
            throw new InvalidOperationException("A read line does not fit the send buffer.");
        }
    }

    private bool TryAppendLine(string line)
    {
        var free = _buffer.AsSpan(_length);
        if (!Encoding.UTF8.TryGetBytes(line, free, out var written) || !_newLine.AsSpan().TryCopyTo(free[written..]))
        {
            return false;
        }

        _length += written + _newLine.Length;
        return true;
    }

    private bool TryAppendRead(LocationFeed location, int index)
    {
        var read = location.Reads[index];
        if (!TryAppendFields(read.Sequence, read.Location, read.Tag, location.Centis[index], read.Lap, read.ReaderId, read.Gator))
        {
            return false;
        }

        _pendingReads++;
        return true;
    }

    // CTFF01 field order: format, sequence, location, tag, time, lap count, reader id, gator.
    private bool TryAppendFields(int sequence, string location, string tag, long centis, int lap, string readerId, int gator)
    {
        var free = _buffer.AsSpan(_length);
        var sep = _separator;
        var invariant = CultureInfo.InvariantCulture;
        if (!Utf8.TryWrite(free, invariant, $"{_formatCode}{sep}{sequence}{sep}{location}{sep}{tag}{sep}", out var written)
            || !TryWriteTime(free[written..], centis, out var timeLength))
        {
            return false;
        }

        written += timeLength;
        if (!Utf8.TryWrite(free[written..], invariant, $"{sep}{lap}{sep}{readerId}{sep}{gator}", out var tail)
            || !_newLine.AsSpan().TryCopyTo(free[(written + tail)..]))
        {
            return false;
        }

        _length += written + tail + _newLine.Length;
        return true;
    }

    private bool TryWriteTime(Span<byte> destination, long centis, out int written)
    {
        var invariant = CultureInfo.InvariantCulture;
        var hundredths = centis % 100;
        switch (TimeFormat)
        {
            case TimeFormat.Iso:
                var clock = new DateTime(feed.RaceDayTicks + centis * TicksPerCentisecond, DateTimeKind.Utc);
                return Utf8.TryWrite(destination, invariant, $"{clock.Year:0000}-{clock.Month:00}-{clock.Day:00}T{clock.Hour:00}:{clock.Minute:00}:{clock.Second:00}.{hundredths:00}", out written);
            case TimeFormat.Unix:
                return Utf8.TryWrite(destination, invariant, $"{feed.RaceDayUnixSeconds + centis / 100}.{hundredths:00}", out written);
            case TimeFormat.Msecs:
                return Utf8.TryWrite(destination, invariant, $"{centis * 10}", out written);
            default:
                // CTP01: past 24 h the hour field simply grows (hhh:mm:ss.ff).
                return Utf8.TryWrite(destination, invariant, $"{centis / CentisPerHour:00}:{centis % CentisPerHour / CentisPerMinute:00}:{centis % CentisPerMinute / 100:00}.{hundredths:00}", out written);
        }
    }
}
