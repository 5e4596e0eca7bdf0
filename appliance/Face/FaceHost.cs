using System.Device.Gpio;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Face;

/// <summary>
/// Starts the parts of the box's face that are there (screen, button, LED), says once which are and which are not,
/// and runs them: the screen brought up to date every <see cref="FaceOptions.RefreshInterval"/>, the LED's heartbeat.
/// A missing or failing part is never an error of the box: it runs on without it. At stop the screen says so
/// (an OLED keeps its last picture after the process is gone) and the LED gets its own trigger back.
/// </summary>
public sealed partial class FaceHost(
    IOptions<FaceOptions> options,
    FaceBoard board,
    StatusScreen screen,
    IBoxPower power,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<FaceHost> logger) : BackgroundService
{
    private bool _hasScreen;
    private GpioController? _gpio;
    private FaceButton? _button;
    private HeartbeatLed? _led;
    private int _poweringOff;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var face = options.Value;
        if (face.Enabled == "off")
        {
            return;
        }

        // Starting the parts talks to the bus: not on the thread that starts the box.
        await Task.Yield();
        List<string> found = [], missing = [];
        StartScreen(face, found, missing);
        StartButton(face, found, missing);
        StartLed(face, found, missing);
        var level = face.Enabled == "on" && missing.Count > 0 ? LogLevel.Warning : LogLevel.Information;
        if (found.Count == 0)
        {
            LogAbsent(level, string.Join("; ", missing));
            return;
        }

        LogFound(level, string.Join(", ", found), missing.Count == 0 ? "" : "; not found: " + string.Join("; ", missing));
        var parts = new List<Task>();
        if (_hasScreen)
        {
            parts.Add(RefreshAsync(face, stoppingToken));
        }

        if (_led is { } led)
        {
            parts.Add(led.RunAsync(face.Heartbeat, time, stoppingToken));
        }

        await Task.WhenAll(parts).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_hasScreen)
        {
            if (Volatile.Read(ref _poweringOff) == 0)
            {
                screen.Finally(FaceScreens.Stopped);
            }

            screen.Detach();
        }

        _button?.Dispose();
        _gpio?.Dispose();
        _led?.Restore();
    }

    private async Task RefreshAsync(FaceOptions face, CancellationToken stoppingToken)
    {
        // Without a button the screens take turns; with one, the timer chooses.
        var cycle = _button is null ? face.ScreenCycle : TimeSpan.Zero;
        using var timer = new PeriodicTimer(face.RefreshInterval, time);
        do
        {
            screen.Refresh(cycle);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private void StartScreen(FaceOptions face, List<string> found, List<string> missing)
    {
        var where = $"0x{face.ScreenAddress:X2} on I2C bus {face.I2cBus}";
        try
        {
            if (OpenScreen(face, out var absent) is not { } panel)
            {
                missing.Add("screen: " + absent);
                return;
            }

            screen.Attach(panel, () => OpenScreen(face, out _));
            _hasScreen = true;
            found.Add($"screen at {where}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Nothing answering at the address is an IOException; a bus the box may not open, another kind. Either way: no screen.
            missing.Add($"screen: nothing answers at {where} ({e.Message})");
        }
    }

    private Ssd1306Panel? OpenScreen(FaceOptions face, out string absent)
    {
        if (board.OpenI2c(face.I2cBus, face.ScreenAddress, out absent) is not { } device)
        {
            return null;
        }

        try
        {
            return new Ssd1306Panel(device);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    private void StartButton(FaceOptions face, List<string> found, List<string> missing)
    {
        if (face.ButtonPin < 0)
        {
            return;
        }

        GpioController? gpio = null;
        try
        {
            gpio = board.OpenGpio(out var absent);
            if (gpio is null)
            {
                missing.Add("button: " + absent);
                return;
            }

            _button = new FaceButton(gpio, face.ButtonPin, face.ButtonDebounce, face.HoldToPowerOff, time, Pressed, Held);
            _gpio = gpio;
            found.Add($"button on GPIO {face.ButtonPin}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // No GPIO driver for this board, or the line taken or not allowed: no button.
            gpio?.Dispose();
            missing.Add($"button: GPIO {face.ButtonPin} cannot be opened ({e.Message})");
        }
    }

    private void StartLed(FaceOptions face, List<string> found, List<string> missing)
    {
        if (string.IsNullOrWhiteSpace(face.Led))
        {
            return;
        }

        _led = HeartbeatLed.Find(face.LedsDir, face.Led, logger, out var absent);
        if (_led is null)
        {
            missing.Add("LED: " + absent);
        }
        else
        {
            found.Add($"LED {_led.Name}");
        }
    }

    private void Pressed()
    {
        if (_hasScreen)
        {
            screen.Next();
        }
    }

    /// <summary>The button was held: the box stops as it does for systemd (every read committed, the store closed), and only then the machine powers off.</summary>
    private void Held()
    {
        if (Interlocked.Exchange(ref _poweringOff, 1) == 1)
        {
            return;
        }

        LogHeld(options.Value.HoldToPowerOff.TotalSeconds);
        if (_hasScreen)
        {
            screen.Finally(FaceScreens.PoweringOff);
        }

        lifetime.ApplicationStopped.Register(power.PowerOff);
        lifetime.StopApplication();
    }

    [LoggerMessage(Message = "No box face found ({Missing}); the box runs without one")]
    private partial void LogAbsent(LogLevel level, string missing);

    [LoggerMessage(Message = "Box face: {Found}{Missing}")]
    private partial void LogFound(LogLevel level, string found, string missing);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The button was held for {Seconds} s: the box stops, then the machine powers off")]
    private partial void LogHeld(double seconds);
}
