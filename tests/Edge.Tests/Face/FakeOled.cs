using System.Device.I2c;
using Edge.Appliance.Face;

namespace Edge.Tests.Face;

/// <summary>
/// An SSD1306 on a fake I2C bus: records every write and plays it into a model of the controller (SSD1306
/// datasheet §8.7 and §10): a control byte 0x00 before a command stream, 0x40 before display data; commands with
/// their parameters; display data into the 128x64 memory as the addressing mode the code set (horizontal, vertical
/// or page) moves the pointers. <see cref="Picture"/> is what the module holds, decoded back into pixels.
/// </summary>
public sealed class FakeOled : I2cDevice
{
    private static readonly Dictionary<byte, int> Parameters = new()
    {
        [0x81] = 1, [0x20] = 1, [0x21] = 2, [0x22] = 2, [0xA8] = 1, [0xD3] = 1, [0xD5] = 1, [0xD9] = 1, [0xDA] = 1,
        [0xDB] = 1, [0x8D] = 1, [0x26] = 6, [0x27] = 6, [0x29] = 5, [0x2A] = 5, [0xA3] = 2,
    };

    private readonly Lock _lock = new();
    private readonly byte[] _ram = new byte[FaceFrame.Width * FaceFrame.Pages];
    private readonly List<string> _unexpected = [];
    private int _mode = 2; // page addressing after reset
    private int _columnStart, _columnEnd = FaceFrame.Width - 1, _pageStart, _pageEnd = FaceFrame.Pages - 1;
    private int _column, _page;

    public FakeOled(int bus = 1, int address = 0x3C) => ConnectionSettings = new I2cConnectionSettings(bus, address);

    public override I2cConnectionSettings ConnectionSettings { get; }

    /// <summary>False: the module is gone, every transfer fails as a Linux I2C bus reports a missing device.</summary>
    public bool Answering { get; set; } = true;

    public bool DisplayOn { get; private set; }
    public int MultiplexRatio { get; private set; } = 63;
    public bool AlternativeComPins { get; private set; } = true;

    /// <summary>Writes of display data so far (the code sends a whole frame in one).</summary>
    public int DataWrites { get; private set; }

    public bool Disposed { get; private set; }

    /// <summary>Bytes or commands the model does not know: a test fails on any.</summary>
    public IReadOnlyList<string> Unexpected
    {
        get
        {
            lock (_lock)
            {
                return [.. _unexpected];
            }
        }
    }

    /// <summary>The rows a 128x64 module shows: a multiplex ratio of 64 and the alternative COM pin order (§10.1.18).</summary>
    public bool SetUpFor64Rows => MultiplexRatio == 63 && AlternativeComPins;

    /// <summary>What the module shows now: its memory while the display is on, else nothing.</summary>
    public FaceFrame Picture()
    {
        var picture = new FaceFrame();
        lock (_lock)
        {
            if (!DisplayOn)
            {
                return picture;
            }

            for (var page = 0; page < FaceFrame.Pages; page++)
            {
                for (var x = 0; x < FaceFrame.Width; x++)
                {
                    for (var bit = 0; bit < 8; bit++)
                    {
                        picture[x, (page * 8) + bit] = (_ram[(page * FaceFrame.Width) + x] & (1 << bit)) != 0;
                    }
                }
            }
        }

        return picture;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!Answering)
        {
            throw new IOException("Error 6 performing I2C data transfer.");
        }

        lock (_lock)
        {
            switch (buffer)
            {
                case [0x00, .. var commands]:
                    Commands(commands);
                    break;
                case [0x40, .. var data]:
                    DataWrites++;
                    foreach (var b in data)
                    {
                        Data(b);
                    }

                    break;
                default:
                    _unexpected.Add($"a write that is neither commands nor data: {Convert.ToHexString(buffer)}");
                    break;
            }
        }
    }

    public override void Read(Span<byte> buffer) => _unexpected.Add("a read (the SSD1306 on I2C is written only)");

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => _unexpected.Add("a write-read");

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }

    private void Commands(ReadOnlySpan<byte> stream)
    {
        while (stream.Length > 0)
        {
            var command = stream[0];
            var count = Parameters.GetValueOrDefault(command);
            if (stream.Length < 1 + count)
            {
                _unexpected.Add($"command {command:X2} without its {count} parameters");
                return;
            }

            Command(command, stream.Slice(1, count));
            stream = stream[(1 + count)..];
        }
    }

    private void Command(byte command, ReadOnlySpan<byte> p)
    {
        switch (command)
        {
            case 0xAE or 0xAF:
                DisplayOn = command == 0xAF;
                break;
            case 0x20:
                _mode = p[0] & 0x03;
                break;
            case 0x21:
                (_columnStart, _columnEnd, _column) = (p[0] & 0x7F, p[1] & 0x7F, p[0] & 0x7F);
                break;
            case 0x22:
                (_pageStart, _pageEnd, _page) = (p[0] & 0x07, p[1] & 0x07, p[0] & 0x07);
                break;
            case >= 0xB0 and <= 0xB7:
                _page = command & 0x07;
                break;
            case <= 0x0F:
                _column = (_column & 0xF0) | command;
                break;
            case >= 0x10 and <= 0x1F:
                _column = (_column & 0x0F) | ((command & 0x0F) << 4);
                break;
            case 0xA8:
                MultiplexRatio = p[0] & 0x3F;
                break;
            case 0xDA:
                AlternativeComPins = (p[0] & 0x10) != 0;
                break;
            case >= 0x40 and <= 0x7F: // display start line
            case 0x81 or 0x8D or 0xA0 or 0xA1 or 0xA4 or 0xA5 or 0xA6 or 0xA7 or 0xC0 or 0xC8 or 0xD3 or 0xD5 or 0xD9 or 0xDB or 0xE3 or 0x2E:
                break;
            default:
                _unexpected.Add($"command {command:X2}");
                break;
        }
    }

    /// <summary>One byte of display data, and the pointers moved as the addressing mode says (§10.1.3).</summary>
    private void Data(byte value)
    {
        _ram[(_page * FaceFrame.Width) + _column] = value;
        switch (_mode)
        {
            case 0: // horizontal
                if (++_column > _columnEnd)
                {
                    _column = _columnStart;
                    _page = _page >= _pageEnd ? _pageStart : _page + 1;
                }

                break;
            case 1: // vertical
                if (++_page > _pageEnd)
                {
                    _page = _pageStart;
                    _column = _column >= _columnEnd ? _columnStart : _column + 1;
                }

                break;
            default: // page: the column moves on within the page
                _column = _column >= FaceFrame.Width - 1 ? 0 : _column + 1;
                break;
        }
    }
}
