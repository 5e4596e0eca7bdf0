using Edge.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Edge.Tests.Face;

/// <summary>The board's LED through a temp folder laid out as <c>/sys/class/leds</c>.</summary>
public sealed class HeartbeatLedTests : IDisposable
{
    private readonly string _leds = TempDir.Create("leds");

    public void Dispose() => TempDir.Delete(_leds);

    [Fact]
    public async Task The_led_flashes_while_the_box_runs_and_gets_its_own_trigger_back_at_stop()
    {
        var act = Led("ACT", "none rc-feedback kbd-numlock [mmc0] heartbeat", maxBrightness: "255");
        var face = await FaceBox.StartAsync(null, null, _leds, settings: ["--Face:Heartbeat=00:00:00.200"]);
        var states = new List<string>();
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (states.Count(s => s == "255") < 3 && DateTime.UtcNow < deadline)
            {
                // The test's own file, written whole by the box: an empty read is a write caught halfway.
                var now = (await File.ReadAllTextAsync(Path.Combine(act, "brightness"))).Trim();
                if (now.Length > 0 && (states.Count == 0 || states[^1] != now))
                {
                    states.Add(now);
                }

                await Task.Delay(5);
            }

            Assert.True(states.Count(s => s == "255") >= 3, "brightness seen: " + string.Join(" ", states));
            Assert.True(states.Count(s => s == "0") >= 2, "brightness seen: " + string.Join(" ", states));
            // The box alone drives the LED while it runs.
            Assert.Equal("none", (await File.ReadAllTextAsync(Path.Combine(act, "trigger"))).Trim());
            var line = Assert.Single(face.FaceLog);
            Assert.Equal(LogLevel.Information, line.Level);
            Assert.Contains("LED ACT", line.Message, StringComparison.Ordinal);
        }
        finally
        {
            await face.DisposeAsync();
        }

        Assert.Equal("mmc0", (await File.ReadAllTextAsync(Path.Combine(act, "trigger"))).Trim());
        Assert.Equal("0", (await File.ReadAllTextAsync(Path.Combine(act, "brightness"))).Trim());
    }

    [Fact]
    public async Task An_older_kernels_led0_is_taken_when_there_is_no_ACT()
    {
        var led0 = Led("led0", "none [mmc0]", maxBrightness: "1");
        await using var face = await FaceBox.StartAsync(null, null, _leds, settings: ["--Face:Heartbeat=00:00:00.200"]);
        Assert.Contains("LED led0", Assert.Single(face.FaceLog).Message, StringComparison.Ordinal);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await File.ReadAllTextAsync(Path.Combine(led0, "brightness"))).Trim() != "1" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.Equal("1", (await File.ReadAllTextAsync(Path.Combine(led0, "brightness"))).Trim());
    }

    private string Led(string name, string trigger, string maxBrightness)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_leds, name)).FullName;
        File.WriteAllText(Path.Combine(dir, "brightness"), "0\n");
        File.WriteAllText(Path.Combine(dir, "max_brightness"), maxBrightness + "\n");
        File.WriteAllText(Path.Combine(dir, "trigger"), trigger + "\n");
        return dir;
    }
}
