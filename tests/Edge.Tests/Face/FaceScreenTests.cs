using System.Globalization;
using System.Text.Json;
using Edge.Appliance.Console;
using Edge.Appliance.Face;
using Edge.Store;
using Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Tests.Face;

/// <summary>
/// The status screen of a real box, read back off the bytes the box wrote to a fake SSD1306: the Wi-Fi name and
/// the phone address from meet.json, reads arriving over CTP01 counted and timed per mat, the console's setup
/// code, the sync agent's backlog, problems; and a frame is sent only when it changed.
/// </summary>
public sealed class FaceScreenTests : IAsyncLifetime
{
    private readonly SteppedClock _clock = new();
    private readonly TestMeet _meet = TestMeet.Standard();
    private readonly FakeOled _oled = new();
    private readonly FakeGpio _gpio = new();
    private FaceBox _face = null!;

    public async Task InitializeAsync() =>
        _face = await FaceBox.StartAsync(_oled, _gpio, services: s => s.AddSingleton<TimeProvider>(_clock), settings: [_meet.Setting]);

    public async Task DisposeAsync()
    {
        await _face.DisposeAsync();
        _meet.Dispose();
    }

    [Fact]
    public async Task The_first_screen_names_the_wifi_network_and_the_address_phones_open()
    {
        var picture = await _face.WaitForAsync(p => FacePicture.Titled(p, "Join Wi-Fi"), "the Wi-Fi screen");

        var board = Assert.IsType<FakeBoard>(_face.Box.Services.GetRequiredService<FaceBoard>());
        Assert.Equal((1, 0x3C), Assert.Single(board.Opened));
        Assert.True(_oled.DisplayOn);
        Assert.True(_oled.SetUpFor64Rows, $"multiplex ratio {_oled.MultiplexRatio + 1}, alternative COM pins {_oled.AlternativeComPins}");
        // TestMeet's network name is 16 characters: too long for large text, so it is drawn small.
        Assert.Equal(1, FacePicture.Find(picture, TestMeet.Ssid)?.Scale);
        Assert.True(FacePicture.Shows(picture, "Key " + TestMeet.Password), FacePicture.Art(picture));
        // wifi.resultsUrl http://10.42.0.1/ as it is typed, in large text.
        Assert.Equal(2, FacePicture.Find(picture, "10.42.0.1")?.Scale);
        Assert.True(FacePicture.Shows(picture, "1/4"), FacePicture.Art(picture));
    }

    [Fact]
    public async Task Reads_that_arrive_show_as_reads_stored_and_each_mat_as_seconds_since_its_last_read()
    {
        using (var client = await RawClient.ConnectAsync(_face.Box.TimingPort))
        {
            await client.HandshakeAsync("laptop-1", "start", "finish");
            var now = _clock.GetUtcNow();
            await client.SendAsync(Line("start", 1, "101", now), Line("finish", 1, "101", now), Line("finish", 2, "102", now), Line("finish", 3, "103", now));
            await _face.Box.WaitForReadsAsync(4);

            await _face.ShowAsync("Reads stored");
            var picture = await _face.WaitForTextAsync("4");
            Assert.Equal(2, FacePicture.Find(picture, "4")?.Scale);
            var finish = FacePicture.Find(picture, "finish");
            var start = FacePicture.Find(picture, "start");
            Assert.NotNull(finish);
            Assert.NotNull(start);

            // Forty seconds on the box's clock later, each mat's row says so.
            _clock.Step(TimeSpan.FromSeconds(40));
            picture = await _face.WaitForAsync(p => Ago(p, "finish") is >= 40 and < 50, "finish read 40 s ago");
            Assert.True(Ago(picture, "start") is >= 40 and < 50, FacePicture.Art(picture));
        }

        // Ten minutes on: the figure turns to minutes.
        _clock.Step(TimeSpan.FromMinutes(10));
        await _face.WaitForTextAsync("10 min");
    }

    [Fact]
    public async Task The_console_setup_code_is_shown_until_a_password_is_set()
    {
        var access = _face.Box.Services.GetRequiredService<ConsoleAccess>();
        var code = access.SetupCode()!;
        Assert.NotNull(code);

        var picture = await _face.ShowAsync("Console setup");
        Assert.Equal(2, FacePicture.Find(picture, code)?.Scale);
        Assert.True(FacePicture.Shows(picture, "Sign in at /admin"), FacePicture.Art(picture));

        access.SetPassword("a long enough password");
        picture = await _face.WaitForAsync(p => !FacePicture.Titled(p, "Console setup"), "the setup code gone");
        Assert.False(FacePicture.Shows(picture, code));
        Assert.True(FacePicture.Shows(picture, "1/3"), FacePicture.Art(picture));
    }

    [Fact]
    public async Task The_sync_agents_state_and_backlog_are_shown()
    {
        var picture = await _face.ShowAsync("Cloud sync");
        Assert.True(FacePicture.Shows(picture, "No sync agent"), FacePicture.Art(picture));

        // What the agent writes for the appliance (docs/SYNC.md), from a process that runs: this one.
        var status = new SyncStatus("connected", "mqtt://127.0.0.1:1883", "box-1", "mqtt5", 1202, 1250, 48, 10, 12.5, _clock.GetUtcNow(), null, null,
            _clock.GetUtcNow(), 1, 1202, _clock.GetUtcNow(), Environment.ProcessId);
        await File.WriteAllBytesAsync(Path.Combine(_face.Box.DataDir, SyncStatus.FileName), JsonSerializer.SerializeToUtf8Bytes(status, new JsonSerializerOptions(JsonSerializerDefaults.Web)));

        picture = await _face.WaitForTextAsync("connected");
        Assert.Equal(2, FacePicture.Find(picture, "48")?.Scale);
        Assert.True(FacePicture.Shows(picture, "entries to send"), FacePicture.Art(picture));
    }

    [Fact]
    public async Task Problems_get_a_screen_of_their_own_first_and_mark_the_others()
    {
        await _face.WaitForAsync(p => FacePicture.Titled(p, "Join Wi-Fi"), "the Wi-Fi screen");
        using (var client = await RawClient.ConnectAsync(_face.Box.TimingPort))
        {
            await client.HandshakeAsync("laptop-1", "finish");
        }

        // The dropped connection is an alarm on the console's timing page; the screen it was on says there is a problem.
        var picture = await _face.WaitForTextAsync("! 2/5");
        Assert.True(FacePicture.Titled(picture, "Join Wi-Fi"), FacePicture.Art(picture));

        await File.WriteAllTextAsync(Path.Combine(_meet.Path, "meet.json"), "{ \"event\": ");
        var meetHost = _face.Box.Services.GetRequiredService<Edge.Appliance.Meet.MeetHost>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (meetHost.Error is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        picture = await _face.ShowAsync("2 problems");
        // The file's name, not the folder's full path, wrapped onto the rows below.
        Assert.True(FacePicture.Shows(picture, "Meet folder:") && FacePicture.Shows(picture, "meet.json:"), FacePicture.Art(picture));
        Assert.True(FacePicture.Shows(picture, "Link lost: finish"), FacePicture.Art(picture));
        Assert.False(FacePicture.Shows(picture, "!"));
    }

    [Fact]
    public async Task A_frame_is_sent_only_when_it_changed()
    {
        await _face.WaitForAsync(p => FacePicture.Titled(p, "Join Wi-Fi"), "the Wi-Fi screen");
        var before = _oled.DataWrites;
        var screen = _face.Screen;
        var sent = screen.FramesSent;

        // Fifteen refreshes of a screen whose content stands still: nothing goes over the bus.
        await Task.Delay(1500);
        Assert.Equal(before, _oled.DataWrites);
        Assert.Equal(sent, screen.FramesSent);

        // A mat's seconds change once a second: one frame a second, not one per refresh.
        using var client = await RawClient.ConnectAsync(_face.Box.TimingPort);
        await client.HandshakeAsync("laptop-1", "finish");
        await client.SendAsync(Line("finish", 1, "101", _clock.GetUtcNow()));
        await _face.Box.WaitForReadsAsync(1);
        await _face.ShowAsync("Reads stored");
        before = _oled.DataWrites;
        await Task.Delay(3000);
        Assert.InRange(_oled.DataWrites - before, 2, 5);
    }

    /// <summary>The seconds figure on the row of <paramref name="mat"/>, read off the picture.</summary>
    private static int? Ago(FaceFrame picture, string mat)
    {
        if (FacePicture.Find(picture, mat) is not { } row)
        {
            return null;
        }

        for (var seconds = 0; seconds < 100; seconds++)
        {
            if (FacePicture.Find(picture, $"{seconds} s", row.Y) is not null)
            {
                return seconds;
            }
        }

        return null;
    }

    private static string Line(string location, int sequence, string tag, DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"CT01_33~{sequence}~{location}~{tag}~{at.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ff}~1~0F2A38~1");
}
