using Edge.Appliance.Face;
using Edge.Appliance.Ingest;
using Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Tests.Face;

/// <summary>
/// A real box (<see cref="TestBox"/>) whose face is wired to the test's fakes: an SSD1306 on a fake I2C bus, a
/// button on a fake GPIO chip's line 17, a temp folder standing in for <c>/sys/class/leds</c>, the power-off
/// recorded. The face's own log lines are kept, and the screen is refreshed every 100 ms.
/// </summary>
public sealed class FaceBox : IAsyncDisposable
{
    public const int Pin = 17;

    private FaceBox(TestBox box, FakeOled? oled, FakeGpio? gpio, RecordingPower power, LogRecorder logs, string ledsDir)
    {
        (Box, Oled, Gpio, Power, Logs, LedsDir) = (box, oled, gpio, power, logs, ledsDir);
    }

    public TestBox Box { get; }
    public FakeOled? Oled { get; }
    public FakeGpio? Gpio { get; }
    public RecordingPower Power { get; }
    public LogRecorder Logs { get; }
    public string LedsDir { get; }

    public IHostApplicationLifetime Lifetime => Box.Services.GetRequiredService<IHostApplicationLifetime>();

    public StatusScreen Screen => Box.Services.GetRequiredService<StatusScreen>();

    public FaceFrame Picture => Oled!.Picture();

    /// <summary>The face's log lines (category Edge.Appliance.Face...).</summary>
    public List<(LogLevel Level, string Message)> FaceLog => [.. Logs.Entries.Select(e => (e.Level, e.Message))];

    /// <summary>Starts the box with <paramref name="oled"/> and <paramref name="gpio"/> (null: that part absent); <paramref name="ledsDir"/> is laid out as /sys/class/leds (an empty one when null).</summary>
    public static async Task<FaceBox> StartAsync(
        FakeOled? oled, FakeGpio? gpio, string? ledsDir = null, Action<IServiceCollection>? services = null, string? dataDir = null, params string[] settings)
    {
        var ownLeds = ledsDir is null;
        ledsDir ??= TempDir.Create("leds");
        var power = new RecordingPower();
        var logs = new LogRecorder("Edge.Appliance.Face");
        var box = await TestBox.StartWithAsync(s =>
        {
            s.AddSingleton<FaceBoard>(new FakeBoard(oled, gpio));
            s.AddSingleton<IBoxPower>(power);
            s.AddSingleton<ILoggerProvider>(logs);
            // This machine's own answer varies between hosts; a synchronized clock keeps it off the problems screen.
            s.AddSingleton<TimeSourceProbe>(new FixedTimeSource(true));
            services?.Invoke(s);
        }, dataDir,
        [
            "--Face:RefreshInterval=00:00:00.100",
            "--Face:ButtonDebounce=00:00:00",
            $"--Face:LedsDir={ledsDir}",
            "--Logging:LogLevel:Edge.Appliance.Face=Information",
            .. settings,
        ]);
        var faceBox = new FaceBox(box, oled, gpio, power, logs, ownLeds ? ledsDir : "");
        await faceBox.WaitForLogAsync("the face's start-up line");
        return faceBox;
    }

    /// <summary>Waits for the face's first log line: it has looked at its parts and started those it found.</summary>
    public async Task WaitForLogAsync(string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Logs.Entries.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.False(Logs.Entries.IsEmpty, $"timed out waiting for {what}");
    }

    /// <summary>Polls the module's picture until <paramref name="condition"/> holds; fails with the picture drawn as text.</summary>
    public async Task<FaceFrame> WaitForAsync(Func<FaceFrame, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        FaceFrame picture;
        do
        {
            picture = Picture;
            if (condition(picture))
            {
                return picture;
            }

            await Task.Delay(20);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"timed out waiting for {what}; the screen shows:\n{FacePicture.Art(picture)}");
        return picture;
    }

    public Task<FaceFrame> WaitForTextAsync(string text) => WaitForAsync(p => FacePicture.Shows(p, text), $"'{text}' on the screen");

    /// <summary>A press of the button: down, then up (the fake chip hands both edges to the code at once).</summary>
    public void Press()
    {
        Gpio!.Press(Pin);
        Gpio.Release(Pin);
    }

    /// <summary>Presses the button until the screen titled <paramref name="title"/> is up.</summary>
    public async Task<FaceFrame> ShowAsync(string title)
    {
        // The title row's rule is lit once the first screen is drawn.
        await WaitForAsync(p => p[0, 9] && p[FaceFrame.Width - 1, 9], "the first screen");
        for (var presses = 0; presses < 12; presses++)
        {
            var picture = Picture;
            if (FacePicture.Titled(picture, title))
            {
                return picture;
            }

            Press();
        }

        return await WaitForAsync(p => FacePicture.Titled(p, title), $"the screen titled '{title}'", TimeSpan.Zero);
    }

    public async ValueTask DisposeAsync()
    {
        await Box.DisposeAsync();
        if (LedsDir.Length > 0)
        {
            TempDir.Delete(LedsDir);
        }

        Assert.Empty(Oled?.Unexpected ?? []);
    }
}
