namespace Edge.Appliance.Face;

/// <summary>
/// The OLED's content: the screens of the moment (<see cref="FaceScreens"/>), the one the button chose, drawn into a
/// frame that is sent only when it differs from the one shown. Called from the refresh loop, the button and the
/// host's stop, one at a time.
/// </summary>
public sealed partial class StatusScreen(FaceReadings readings, TimeProvider time, ILogger<StatusScreen> logger)
{
    /// <summary>How often a screen that stopped answering is started again.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private Func<Ssd1306Panel?>? _open;
    private Ssd1306Panel? _panel;
    private long _lostAt;
    private FaceFrame? _shown;
    private FaceScreen? _final;
    private string? _current;
    private long _chosenAt;
    private bool _failing;

    /// <summary>Frames sent to the display since the box started.</summary>
    public long FramesSent { get; private set; }

    /// <summary>Takes the started panel, and how to start it again after it stopped answering.</summary>
    public void Attach(Ssd1306Panel panel, Func<Ssd1306Panel?> open)
    {
        lock (_lock)
        {
            (_panel, _open, _chosenAt) = (panel, open, time.GetTimestamp());
        }
    }

    /// <summary>Brings the screen up to date; with <paramref name="cycle"/> set (no button), moves on to the next screen once the current one has been up that long.</summary>
    public void Refresh(TimeSpan cycle = default)
    {
        lock (_lock)
        {
            if (_final is not null)
            {
                return;
            }

            Draw(cycle > TimeSpan.Zero && time.GetElapsedTime(_chosenAt) >= cycle ? 1 : 0);
        }
    }

    /// <summary>The button was pressed: the next screen, drawn now.</summary>
    public void Next()
    {
        lock (_lock)
        {
            if (_final is null)
            {
                Draw(1);
            }
        }
    }

    /// <summary>Shows <paramref name="screen"/> from now on, whatever the box does next (it is stopping).</summary>
    public void Finally(FaceScreen screen)
    {
        lock (_lock)
        {
            _final = screen;
            Send(FaceLayout.Render(screen));
        }
    }

    public void Detach()
    {
        lock (_lock)
        {
            _panel?.Dispose();
            (_panel, _open) = (null, null);
        }
    }

    private void Draw(int step)
    {
        FaceFrame frame;
        try
        {
            var screens = FaceScreens.For(readings.Read());
            var index = Math.Max(0, screens.ToList().FindIndex(s => s.Key == _current));
            if (step != 0)
            {
                index = (index + step) % screens.Count;
                _chosenAt = time.GetTimestamp();
            }

            var screen = screens[index];
            _current = screen.Key;
            frame = FaceLayout.Render(screen, index + 1, screens.Count, alert: screens[0].Key == FaceScreens.Problems && index != 0);
            _failing = false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A fault in what the screen shows must never stop the box; said once until it draws again.
            if (!_failing)
            {
                _failing = true;
                LogDrawFailed(e);
            }

            return;
        }

        Send(frame);
    }

    private void Send(FaceFrame frame)
    {
        if (_panel is null && !Reopen())
        {
            return;
        }

        if (frame.SameAs(_shown))
        {
            return;
        }

        try
        {
            _panel!.Show(frame);
            _shown = frame;
            FramesSent++;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Over I2C a module that stopped answering is an IOException; whatever it is, the box runs on.
            LogLost(e.Message, (int)RetryInterval.TotalSeconds);
            _panel!.Dispose();
            _panel = null;
            _lostAt = time.GetTimestamp();
        }
    }

    /// <summary>Starts the screen again at most every <see cref="RetryInterval"/> after it stopped answering (a loose wire, a module swapped).</summary>
    private bool Reopen()
    {
        if (_open is null || time.GetElapsedTime(_lostAt) < RetryInterval)
        {
            return false;
        }

        _lostAt = time.GetTimestamp();
        try
        {
            _panel = _open();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Still not answering: tried again after the next interval, said nothing more.
            return false;
        }

        if (_panel is null)
        {
            return false;
        }

        _shown = null;
        LogBack();
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The status screen stopped answering ({Problem}); the box runs on and tries it again every {Seconds} s")]
    private partial void LogLost(string problem, int seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "The status screen answers again")]
    private partial void LogBack();

    [LoggerMessage(Level = LogLevel.Error, Message = "The status screen could not be drawn; it keeps its last picture")]
    private partial void LogDrawFailed(Exception exception);
}
