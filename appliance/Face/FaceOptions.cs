using Microsoft.Extensions.Options;

namespace Edge.Appliance.Face;

/// <summary>The box's own face (<c>Face</c> section): a small OLED, a button and the board's LED. Defaults: appsettings.json, and the same here.</summary>
public sealed class FaceOptions
{
    public const string Section = "Face";

    /// <summary>
    /// <c>auto</c>: use the parts that are there, say once which are not; <c>on</c>: the same, a missing part said as a
    /// warning (a box built with a face); <c>off</c>: leave the board alone.
    /// </summary>
    public string Enabled { get; set; } = "auto";

    /// <summary>The I2C bus of the screen (<c>/dev/i2c-1</c> on a Pi's header pins 3 and 5).</summary>
    public int I2cBus { get; set; } = 1;

    /// <summary>The SSD1306's I2C address: 60 (0x3C), or 61 (0x3D) on modules with the address jumper moved.</summary>
    public int ScreenAddress { get; set; } = 0x3C;

    /// <summary>The button's GPIO line (BCM numbering: 17 is header pin 11), wired to ground; -1 for no button.</summary>
    public int ButtonPin { get; set; } = 17;

    /// <summary>Edges of the button closer together than this are contact bounce.</summary>
    public TimeSpan ButtonDebounce { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Holding the button this long stops the box and powers it off.</summary>
    public TimeSpan HoldToPowerOff { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>What powers the machine off once the box has stopped.</summary>
    public string PowerOffCommand { get; set; } = "systemctl poweroff";

    /// <summary>The LED for the heartbeat, by its name under <see cref="LedsDir"/>; a comma-separated list takes the first present (<c>ACT</c> on current kernels, <c>led0</c> on older ones); empty for none.</summary>
    public string Led { get; set; } = "ACT,led0";

    public string LedsDir { get; set; } = "/sys/class/leds";

    /// <summary>One flash of the LED per interval.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the screen is brought up to date (a frame is sent only when it changed).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Without a button, how long each screen stays up before the next; 0 keeps the first.</summary>
    public TimeSpan ScreenCycle { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Checks the face's settings at start, each failure naming its setting.</summary>
public sealed class FaceOptionsValidation : IValidateOptions<FaceOptions>
{
    private static readonly string[] Modes = ["auto", "on", "off"];

    public ValidateOptionsResult Validate(string? name, FaceOptions options)
    {
        var failures = new List<string>();
        if (!Modes.Contains(options.Enabled))
        {
            failures.Add($"Face:Enabled is '{options.Enabled}'; it must be auto, on or off.");
        }

        Range(failures, nameof(FaceOptions.I2cBus), options.I2cBus, 0, 255, "the number in /dev/i2c-N");
        Range(failures, nameof(FaceOptions.ScreenAddress), options.ScreenAddress, 0x03, 0x77, "a 7-bit I2C address, 60 for 0x3C");
        Range(failures, nameof(FaceOptions.ButtonPin), options.ButtonPin, -1, 1023, "a GPIO line, or -1 for no button");
        Interval(failures, nameof(FaceOptions.ButtonDebounce), options.ButtonDebounce, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Interval(failures, nameof(FaceOptions.HoldToPowerOff), options.HoldToPowerOff, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        Interval(failures, nameof(FaceOptions.Heartbeat), options.Heartbeat, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        Interval(failures, nameof(FaceOptions.RefreshInterval), options.RefreshInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(1));
        Interval(failures, nameof(FaceOptions.ScreenCycle), options.ScreenCycle, TimeSpan.Zero, TimeSpan.FromHours(1));
        if (options.ButtonPin >= 0 && string.IsNullOrWhiteSpace(options.PowerOffCommand))
        {
            failures.Add("Face:PowerOffCommand is empty; holding the button needs a command that powers the machine off (systemctl poweroff).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Range(List<string> failures, string key, int value, int least, int most, string meaning)
    {
        if (value < least || value > most)
        {
            failures.Add($"Face:{key} is {value}; it must be from {least} to {most} ({meaning}).");
        }
    }

    private static void Interval(List<string> failures, string key, TimeSpan value, TimeSpan least, TimeSpan most)
    {
        if (value < least || value > most)
        {
            failures.Add($"Face:{key} is {value}; it must be from {least} to {most}.");
        }
    }
}
