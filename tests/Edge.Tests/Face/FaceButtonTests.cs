using System.Device.Gpio;
using Edge.Appliance.Face;
using Edge.Tests.Support;

namespace Edge.Tests.Face;

/// <summary>The button on a fake GPIO chip: a press moves the screen on; a hold stops the box, then powers it off.</summary>
public sealed class FaceButtonTests
{
    [Fact]
    public void A_press_is_a_press_and_holding_three_seconds_is_one_power_off()
    {
        var chip = new FakeGpio();
        var clock = new ManualClock();
        var (presses, holds) = (0, 0);
        using (var controller = new GpioController(chip))
        using (new FaceButton(controller, FaceBox.Pin, TimeSpan.Zero, TimeSpan.FromSeconds(3), clock, () => presses++, () => holds++))
        {
            // Wired to ground, on the line's own pull-up, both edges watched.
            Assert.Equal(PinMode.InputPullUp, chip.Modes[FaceBox.Pin]);
            Assert.True(chip.Watched(FaceBox.Pin));

            chip.Press(FaceBox.Pin);
            clock.Advance(TimeSpan.FromSeconds(2.9));
            chip.Release(FaceBox.Pin);
            Assert.Equal((1, 0), (presses, holds));

            chip.Press(FaceBox.Pin);
            clock.Advance(TimeSpan.FromSeconds(3));
            Assert.Equal((1, 1), (presses, holds));
            clock.Advance(TimeSpan.FromSeconds(10));
            chip.Release(FaceBox.Pin);
            // Letting go after the hold is not also a press.
            Assert.Equal((1, 1), (presses, holds));

            // An up the code never saw go down (the button held as the box started) is nothing.
            chip.Release(FaceBox.Pin);
            Assert.Equal((1, 1), (presses, holds));
        }

        Assert.False(chip.Watched(FaceBox.Pin));
        Assert.Contains($"close {FaceBox.Pin}", chip.Calls);
    }

    [Fact]
    public async Task A_press_draws_the_next_screen_at_once()
    {
        using var meet = TestMeet.Standard();
        await using var face = await FaceBox.StartAsync(new FakeOled(), new FakeGpio(), settings: [meet.Setting]);
        await face.WaitForAsync(p => FacePicture.Titled(p, "Join Wi-Fi") && FacePicture.Shows(p, "1/4"), "the first screen");

        face.Press();
        var picture = face.Picture;
        Assert.True(FacePicture.Titled(picture, "Reads stored") && FacePicture.Shows(picture, "2/4"), FacePicture.Art(picture));
        face.Press();
        face.Press();
        face.Press();
        picture = face.Picture;
        Assert.True(FacePicture.Titled(picture, "Join Wi-Fi"), FacePicture.Art(picture));
    }

    [Fact]
    public async Task Without_a_button_the_screens_take_turns()
    {
        await using var face = await FaceBox.StartAsync(new FakeOled(), null, settings: ["--Face:ScreenCycle=00:00:00.300"]);
        await face.WaitForAsync(p => FacePicture.Titled(p, "Join Wi-Fi"), "the first screen");
        await face.WaitForAsync(p => FacePicture.Titled(p, "Reads stored"), "the second screen");
        await face.WaitForAsync(p => FacePicture.Titled(p, "Cloud sync"), "the third screen");
    }

    [Fact]
    public async Task Holding_the_button_stops_the_box_and_only_then_powers_it_off()
    {
        await using var face = await FaceBox.StartAsync(new FakeOled(), new FakeGpio(), settings: ["--Face:HoldToPowerOff=00:00:00.300"]);
        await face.WaitForAsync(p => FacePicture.Titled(p, "Join Wi-Fi"), "the first screen");

        face.Gpio!.Press(FaceBox.Pin);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!face.Lifetime.ApplicationStopping.IsCancellationRequested && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(face.Lifetime.ApplicationStopping.IsCancellationRequested, "the box was not asked to stop");
        Assert.True(FacePicture.Shows(face.Picture, "Power off"), FacePicture.Art(face.Picture));
        // Not before every service has stopped (the store has committed and closed).
        Assert.Equal(0, face.Power.Calls);
        face.Gpio.Release(FaceBox.Pin);

        await face.Box.StopAsync();
        Assert.True(face.Lifetime.ApplicationStopped.IsCancellationRequested);
        Assert.Equal(1, face.Power.Calls);
        // The screen keeps saying what happens, not "Stopped" nor the last figures.
        Assert.True(FacePicture.Shows(face.Picture, "Power off"), FacePicture.Art(face.Picture));
        Assert.Contains(face.FaceLog, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Message.Contains("held", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_box_that_stops_says_so_on_its_screen_and_lets_go_of_its_parts()
    {
        var oled = new FakeOled();
        var chip = new FakeGpio();
        var face = await FaceBox.StartAsync(oled, chip);
        await face.WaitForAsync(p => FacePicture.Titled(p, "Join Wi-Fi"), "the first screen");

        await face.DisposeAsync();
        // An OLED keeps its picture after the process is gone: it must not go on showing figures as if live.
        Assert.True(FacePicture.Shows(oled.Picture(), "Stopped"), FacePicture.Art(oled.Picture()));
        Assert.True(oled.Disposed);
        Assert.False(chip.Watched(FaceBox.Pin));
        Assert.True(chip.Disposed);
        Assert.Equal(0, face.Power.Calls);
    }
}
