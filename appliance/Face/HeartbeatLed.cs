namespace Edge.Appliance.Face;

/// <summary>
/// The board's LED through the kernel's LED class (<c>/sys/class/leds/NAME</c>): its trigger is set to <c>none</c> so
/// the box alone drives it, it flashes once per <see cref="FaceOptions.Heartbeat"/> while the box runs, and at stop
/// it gets its own trigger back (on a Pi, <c>mmc0</c>: card activity). A LED that stops flashing means a box that
/// stopped working.
/// </summary>
public sealed partial class HeartbeatLed
{
    /// <summary>Writes refused in a row before the LED counts as gone.</summary>
    private const int MaxFailures = 5;

    private readonly string _brightness;
    private int _failures;
    private readonly string _trigger;
    private readonly string? _ownTrigger;
    private readonly string _on;
    private readonly ILogger _logger;
    private bool _lost;

    private HeartbeatLed(string dir, ILogger logger)
    {
        Name = Path.GetFileName(dir);
        _logger = logger;
        _brightness = Path.Combine(dir, "brightness");
        _trigger = Path.Combine(dir, "trigger");
        _on = ReadFirstLine(Path.Combine(dir, "max_brightness")) is { } max && int.TryParse(max, out var m) && m > 0 ? max : "1";
        // The trigger file lists every trigger with the current one in brackets: "none rc-feedback [mmc0] heartbeat".
        var triggers = ReadFirstLine(_trigger);
        _ownTrigger = triggers?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(t => t.StartsWith('[') && t.EndsWith(']'))?.Trim('[', ']');
        if (_ownTrigger is not null and not "none" && !Write(_trigger, "none"))
        {
            LogTriggerKept(Name, _ownTrigger);
        }
    }

    public string Name { get; }

    /// <summary>The first of <paramref name="names"/> (comma-separated) under <paramref name="ledsDir"/> that has a writable brightness; null, with why, when none has.</summary>
    public static HeartbeatLed? Find(string ledsDir, string names, ILogger logger, out string absent)
    {
        var listed = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in listed)
        {
            var dir = Path.Combine(ledsDir, name);
            var brightness = Path.Combine(dir, "brightness");
            if (File.Exists(brightness) && Writable(brightness))
            {
                absent = "";
                return new HeartbeatLed(dir, logger);
            }
        }

        absent = listed.Length == 0 ? "no LED named (Face:Led)" : $"no LED {string.Join(" or ", listed)} in {ledsDir}";
        return null;
    }

    /// <summary>Flashes the LED until <paramref name="stoppingToken"/>; a LED that can no longer be written is said once and left alone.</summary>
    public async Task RunAsync(TimeSpan period, TimeProvider time, CancellationToken stoppingToken)
    {
        // A short flash, then dark for the rest of the period: a heartbeat rather than a blink.
        var flash = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(100).Ticks, period.Ticks / 2));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            do
            {
                if (!Set(true))
                {
                    return;
                }

                await Task.Delay(flash, time, stoppingToken).ConfigureAwait(false);
                if (!Set(false))
                {
                    return;
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The box is stopping: Restore puts the LED back.
        }
    }

    /// <summary>Dark, and its own trigger back.</summary>
    public void Restore()
    {
        Write(_brightness, "0");
        if (_ownTrigger is not null and not "none")
        {
            Write(_trigger, _ownTrigger);
        }
    }

    private bool Set(bool on)
    {
        if (_lost)
        {
            return false;
        }

        if (Write(_brightness, on ? _on : "0"))
        {
            _failures = 0;
            return true;
        }

        // One refused write (a reader of the file at that instant) is not a lost LED; several in a row are.
        if (++_failures < MaxFailures)
        {
            return true;
        }

        _lost = true;
        LogLost(Name);
        return false;
    }

    private static bool Write(string path, string value)
    {
        try
        {
            // Shared, so that .NET's advisory lock never refuses the write while someone reads the file.
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
            file.Write(System.Text.Encoding.ASCII.GetBytes(value));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool Writable(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string? ReadFirstLine(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "LED {Name} keeps its trigger {Trigger} (the trigger file cannot be written); the heartbeat flashes over it")]
    private partial void LogTriggerKept(string name, string trigger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "LED {Name} can no longer be written; the heartbeat stops, the box runs on")]
    private partial void LogLost(string name);
}
