using Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Edge.Tests.Face;

/// <summary>
/// A box without a face, or with parts of one, or with a screen that fails: the box starts and runs as ever, the
/// face says once what it found, and nothing is logged at Error (<see cref="TestBox"/> fails the test on one).
/// </summary>
public sealed class AbsentFaceTests
{
    [Fact]
    public async Task On_a_machine_without_the_hardware_the_box_starts_and_says_once_that_it_has_no_face()
    {
        // The machine's own buses and chips, as the box would find them: this machine has no I2C bus nor GPIO chip.
        var leds = TempDir.Create("leds");
        var logs = new LogRecorder("Edge.Appliance.Face");
        try
        {
            await using var box = await TestBox.StartWithAsync(s => s.AddSingleton<ILoggerProvider>(logs), null,
                $"--Face:LedsDir={leds}", "--Logging:LogLevel:Edge.Appliance.Face=Information");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (logs.Entries.IsEmpty && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Assert.Equal(System.Net.HttpStatusCode.OK, (await box.Http.GetAsync("/healthz")).StatusCode);
            await Task.Delay(500);
            var line = Assert.Single(logs.Entries);
            Assert.Equal(LogLevel.Information, line.Level);
            if (!File.Exists("/dev/i2c-1"))
            {
                Assert.Contains("No box face found", line.Message, StringComparison.Ordinal);
                Assert.Contains("screen: no I2C bus /dev/i2c-1", line.Message, StringComparison.Ordinal);
            }

            Assert.Contains($"LED: no LED ACT or led0 in {leds}", line.Message, StringComparison.Ordinal);
        }
        finally
        {
            TempDir.Delete(leds);
        }
    }

    [Fact]
    public async Task A_face_set_on_that_misses_a_part_says_so_as_a_warning()
    {
        await using var face = await FaceBox.StartAsync(new FakeOled(), null, settings: ["--Face:Enabled=on"]);
        var line = Assert.Single(face.FaceLog);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.StartsWith("Box face: screen at 0x3C on I2C bus 1; not found: button: no GPIO chip (test); LED: no LED ACT or led0", line.Message, StringComparison.Ordinal);
        await face.WaitForAsync(p => FacePicture.Titled(p, "Join Wi-Fi"), "the first screen");
    }

    [Fact]
    public async Task Face_off_leaves_the_board_alone()
    {
        var oled = new FakeOled();
        var board = new FakeBoard(oled, new FakeGpio());
        var logs = new LogRecorder("Edge.Appliance.Face");
        await using var box = await TestBox.StartWithAsync(s =>
        {
            s.AddSingleton<Edge.Appliance.Face.FaceBoard>(board);
            s.AddSingleton<ILoggerProvider>(logs);
        }, null, "--Face:Enabled=off", "--Logging:LogLevel:Edge.Appliance.Face=Information");
        await Task.Delay(500);
        Assert.Empty(board.Opened);
        Assert.Empty(logs.Entries);
        Assert.Equal(0, oled.DataWrites);
    }

    [Fact]
    public async Task A_screen_that_does_not_answer_at_its_address_is_absent()
    {
        var oled = new FakeOled { Answering = false };
        await using var face = await FaceBox.StartAsync(oled, new FakeGpio());
        var line = Assert.Single(face.FaceLog);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith("Box face: button on GPIO 17; not found: screen: nothing answers at 0x3C on I2C bus 1 (Error 6", line.Message, StringComparison.Ordinal);
        Assert.True(oled.Disposed);

        // The button still works: a hold still powers off (there is no screen to move on).
        face.Press();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await face.Box.Http.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task A_screen_that_stops_answering_is_said_once_and_taken_back_when_it_answers_again()
    {
        var oled = new FakeOled();
        await using var face = await FaceBox.StartAsync(oled, new FakeGpio());
        await face.WaitForAsync(p => FacePicture.Titled(p, "Join Wi-Fi"), "the first screen");

        oled.Answering = false;
        face.Press();
        face.Press();
        face.Press();
        var lost = face.FaceLog.Where(l => l.Message.Contains("stopped answering", StringComparison.Ordinal)).ToList();
        Assert.Equal(LogLevel.Warning, Assert.Single(lost).Level);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await face.Box.Http.GetAsync("/healthz")).StatusCode);

        // Started again within the retry interval once it answers, and brought up to date.
        oled.Answering = true;
        var deadline = DateTime.UtcNow + Edge.Appliance.Face.StatusScreen.RetryInterval + TimeSpan.FromSeconds(5);
        while (!face.FaceLog.Any(l => l.Message.Contains("answers again", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Contains(face.FaceLog, l => l.Level == LogLevel.Information && l.Message.Contains("answers again", StringComparison.Ordinal));
        await face.WaitForAsync(p => p[0, 9], "a picture again");
        Assert.DoesNotContain(face.FaceLog, l => l.Level >= LogLevel.Error);
    }
}
