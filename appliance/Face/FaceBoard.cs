using System.Device.Gpio;
using System.Device.I2c;

namespace Edge.Appliance.Face;

/// <summary>
/// Where the face's parts are reached: the machine's I2C bus and GPIO chip. Each part may be missing: a method
/// answers null and says why, or throws when the part is there but cannot be opened. Tests stand in recording fakes.
/// </summary>
public class FaceBoard
{
    /// <summary>The device at <paramref name="address"/> on I2C bus <paramref name="bus"/>; opening it does not yet talk to it.</summary>
    public virtual I2cDevice? OpenI2c(int bus, int address, out string absent)
    {
        var path = $"/dev/i2c-{bus}";
        if (!File.Exists(path))
        {
            absent = $"no I2C bus {path}";
            return null;
        }

        absent = "";
        return I2cDevice.Create(new I2cConnectionSettings(bus, address));
    }

    /// <summary>The machine's GPIO, through the driver System.Device.Gpio picks for the board.</summary>
    public virtual GpioController? OpenGpio(out string absent)
    {
        if (!Directory.Exists("/dev") || !Directory.EnumerateFiles("/dev", "gpiochip*").Any())
        {
            absent = "no GPIO chip /dev/gpiochip*";
            return null;
        }

        absent = "";
        return new GpioController();
    }
}
