using System.Collections.Concurrent;
using System.Device.Gpio;
using System.Device.I2c;
using Edge.Appliance.Face;

namespace Edge.Tests.Face;

/// <summary>A board with the test's fake screen and GPIO chip (either may be left out: that part is then absent).</summary>
public sealed class FakeBoard(FakeOled? oled, FakeGpio? gpio) : FaceBoard
{
    /// <summary>The bus and address each opening asked for.</summary>
    public ConcurrentQueue<(int Bus, int Address)> Opened { get; } = new();

    public override I2cDevice? OpenI2c(int bus, int address, out string absent)
    {
        Opened.Enqueue((bus, address));
        absent = oled is null ? "no I2C bus (test)" : "";
        return oled;
    }

    public override GpioController? OpenGpio(out string absent)
    {
        absent = gpio is null ? "no GPIO chip (test)" : "";
        return gpio is null ? null : new GpioController(gpio);
    }
}

/// <summary>Records the power-off instead of turning this machine off.</summary>
public sealed class RecordingPower : IBoxPower
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public void PowerOff() => Interlocked.Increment(ref _calls);
}
