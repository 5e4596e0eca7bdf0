using System.Device.I2c;
using Iot.Device.Ssd13xx;
using Iot.Device.Ssd13xx.Commands;
using Iot.Device.Ssd13xx.Commands.Ssd1306Commands;

namespace Edge.Appliance.Face;

/// <summary>
/// A 128x64 SSD1306 module on I2C, through Iot.Device.Bindings' <see cref="Ssd1306"/>: its commands, its framing
/// (a control byte 0x00 before commands, 0x40 before display data) and its start-up sequence. That sequence is
/// written for the 128x32 modules (multiplex ratio 32, sequential COM pins, pages 0-3), so the rows a 64-row module
/// needs are set right after it; every frame then goes to all eight pages in horizontal addressing mode.
/// </summary>
public sealed class Ssd1306Panel : Ssd1306
{
    private readonly byte[] _frame = new byte[FaceFrame.Width * FaceFrame.Pages];

    /// <summary>Starts the module; throws (an <see cref="IOException"/> from the bus) when nothing answers at the device's address.</summary>
    public Ssd1306Panel(I2cDevice device)
        : base(device, FaceFrame.Width, FaceFrame.Height)
    {
        SendCommand(new SetDisplayOff());
        SendCommand(new SetMultiplexRatio(FaceFrame.Height - 1));
        // 64-row modules wire their COM pins in the alternative order (datasheet §10.1.18: DA 12).
        SendCommand(new SetComPinsHardwareConfiguration(alternativeComPinConfiguration: true, enableLeftRightRemap: false));
        SendCommand(new SetMemoryAddressingMode(SetMemoryAddressingMode.AddressingMode.Horizontal));
        Blank();
        SendCommand(new SetDisplayOn());
    }

    /// <summary>
    /// The binding's start-up clears the screen through its image classes, which need an image library registered
    /// (SkiaSharp's adapter, a native library this box does not ship): this clears it with display data instead.
    /// </summary>
    public override void ClearScreen() => Blank();

    /// <summary>Sends the whole frame: about 25 ms at 400 kHz, so only when it changed.</summary>
    public void Show(FaceFrame frame)
    {
        frame.Bytes.CopyTo(_frame);
        SendCommand(new SetColumnAddress(0, FaceFrame.Width - 1));
        SendCommand(new SetPageAddress(PageAddress.Page0, PageAddress.Page7));
        SendData(_frame);
    }

    private void Blank()
    {
        // The base class calls this from its constructor, before this class's fields are set.
        var zeros = new byte[FaceFrame.Width * FaceFrame.Pages];
        SendCommand(new SetColumnAddress(0, FaceFrame.Width - 1));
        SendCommand(new SetPageAddress(PageAddress.Page0, PageAddress.Page7));
        SendData(zeros);
    }
}
