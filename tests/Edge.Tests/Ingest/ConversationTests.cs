using System.Security.Cryptography;
using System.Text;
using Edge.Store;
using Edge.Tests.Support;

namespace Edge.Tests.Ingest;

/// <summary>CTP01 conversations over real sockets with scripted clients: every line the box says is checked.</summary>
public class ConversationTests
{
    private const string ConnectionId = "b617318655057264e28bc0b6fb378c8ef146be00";

    private static readonly string[] Requests =
    [
        "edge~1.0.0~6",
        "location=multi",
        "guntimes=true",
        "newlocations=true",
        "connection-id=true",
        "stream-mode=push",
        "time-format=iso",
    ];

    [Fact]
    public async Task The_box_answers_the_greeting_with_its_requests_then_asks_and_starts_each_location()
    {
        await using var box = await TestBox.StartAsync();
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        var lines = await client.HandshakeAsync(ConnectionId, "start", "finish");
        Assert.Equal([.. Requests, "getconnectionid", "geteventinfo", "getlocations", "start~start", "start~finish"], lines);

        var status = await box.StatusAsync();
        var connection = Assert.Single(status.GetProperty("connections").EnumerateArray());
        Assert.Equal("SimpleClient~0.5.0~CTP01", connection.GetProperty("greeting").GetString());
        Assert.Equal(ConnectionId, connection.GetProperty("connectionId").GetString());
        Assert.StartsWith("127.0.0.1:", connection.GetProperty("remoteAddress").GetString());
        Assert.Equal("Lakeside 10K / 4242 / Spring race", connection.GetProperty("eventInfo").GetString());
    }

    [Fact]
    public async Task Request_lines_follow_configuration()
    {
        await using var box = await TestBox.StartAsync(null, "--Timing:GunTimes=false", "--Timing:TimeFormat=normal", "--Timing:ConnectionId=false");
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.SendAsync("SimpleClient~0.5.0~CTP01");
        Assert.Equal(
            ["edge~1.0.0~6", "location=multi", "guntimes=false", "newlocations=true", "connection-id=false", "stream-mode=push", "time-format=normal", "geteventinfo", "getlocations"],
            await client.ReadLinesAsync(9));
    }

    [Fact]
    public async Task Reads_and_gun_events_are_stored_with_raw_line_source_and_absolute_time()
    {
        var meetDir = TempDir.Create("meet");
        await File.WriteAllTextAsync(Path.Combine(meetDir, "meet.json"),
            """{ "event": { "name": "Lakeside 10K", "date": "2026-05-02", "timeZone": "America/Los_Angeles" } }""");
        await using var box = await TestBox.StartAsync(null, $"--Edge:MeetDir={meetDir}");
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync(ConnectionId, "start", "finish");
        await client.SendAsync(
            "CT01_33~1~start~guntime~2026-05-02T08:00:00.00~0~DF239A~0",
            "CT01_33~2~start~101~2026-05-02T08:00:04.71~1~0F2A38~3",
            "CT01_33~1~finish~101~08:41:23.45~1~0FA22E~2");
        await box.WaitForReadsAsync(2);

        var entries = ReadLog(box.DataDir);
        Assert.Equal(3, entries.Count);
        Assert.Equal(LogKind.Gun, entries[0].Kind);
        Assert.Equal(("start", 1L, "guntime"), (entries[0].Location, entries[0].Sequence, entries[0].Tag));
        Assert.Equal(new DateTimeOffset(2026, 5, 2, 15, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), entries[0].AtMs);
        Assert.Equal("CT01_33~2~start~101~2026-05-02T08:00:04.71~1~0F2A38~3", entries[1].Raw);
        Assert.Equal((LogKind.Read, 1, "0F2A38", 3), (entries[1].Kind, entries[1].Lap, entries[1].Reader, entries[1].Gator));
        // A normal (time-of-day) time lands on the event's date in its zone.
        Assert.Equal(new DateTimeOffset(2026, 5, 2, 15, 41, 23, 450, TimeSpan.Zero).ToUnixTimeMilliseconds(), entries[2].AtMs);
        Assert.All(entries, e => Assert.Equal(entries[0].SourceId, e.SourceId));

        var status = await box.StatusAsync();
        Assert.Equal(1, status.GetProperty("guns").GetInt64());
        var start = status.GetProperty("locations").EnumerateArray().Single(l => l.GetProperty("name").GetString() == "start");
        Assert.Equal((2L, 1L, 1L), (start.GetProperty("lastSequence").GetInt64(), start.GetProperty("reads").GetInt64(), start.GetProperty("guns").GetInt64()));
        TempDir.Delete(meetDir);
    }

    [Fact]
    public async Task Reconnect_with_the_same_connection_id_resumes_every_location_and_stores_each_read_once()
    {
        await using var box = await TestBox.StartAsync();
        using (var first = await RawClient.ConnectAsync(box.TimingPort))
        {
            await first.HandshakeAsync(ConnectionId, "start", "finish");
            await first.SendAsync(
                "CT01_33~1~start~guntime~2026-05-02T08:00:00.00~0~DF239A~0",
                "CT01_33~2~start~101~2026-05-02T08:00:04.71~1~0F2A38~3",
                "CT01_33~3~start~101~2026-05-02T08:00:05.02~2~0F2A38~4",
                "CT01_33~1~finish~101~2026-05-02T08:41:23.45~1~0FA22E~2");
            await box.WaitForReadsAsync(3);
        }

        using var second = await RawClient.ConnectAsync(box.TimingPort);
        var lines = await second.HandshakeAsync(ConnectionId, "start", "finish");
        Assert.Equal(["start~start~4", "start~finish~2"], lines[^2..]);

        // Whether the client repeats the given sequence is unspecified: a repeat is stored once.
        await second.SendAsync(
            "CT01_33~3~start~101~2026-05-02T08:00:05.02~2~0F2A38~4",
            "CT01_33~4~start~102~2026-05-02T08:00:06.00~1~0F2A38~1",
            "CT01_33~1~finish~101~2026-05-02T08:41:23.45~1~0FA22E~2");
        await box.WaitUntilAsync(s => s.GetProperty("duplicates").GetInt64() == 2, TimeSpan.FromSeconds(10), "2 duplicates");
        Assert.Equal(4, await box.ReadsAsync());
        Assert.Equal(5, ReadLog(box.DataDir).Count);
    }

    [Fact]
    public async Task A_new_connection_id_replays_from_the_start_and_nothing_is_stored_twice()
    {
        await using var box = await TestBox.StartAsync();
        string[] reads =
        [
            "CT01_33~1~start~101~2026-05-02T08:00:04.71~1~0F2A38~3",
            "CT01_33~2~start~102~2026-05-02T08:00:05.02~1~0F2A38~4",
            "CT01_33~1~finish~101~2026-05-02T08:41:23.45~1~0FA22E~2",
        ];
        using (var first = await RawClient.ConnectAsync(box.TimingPort))
        {
            await first.HandshakeAsync("aaaa", "start", "finish");
            await first.SendAsync(reads);
            await box.WaitForReadsAsync(3);
        }

        // The middleware restarted: new id, numbering starts over, same reads come again.
        using var second = await RawClient.ConnectAsync(box.TimingPort);
        var lines = await second.HandshakeAsync("bbbb", "start", "finish");
        Assert.Equal(["start~start", "start~finish"], lines[^2..]);
        await second.SendAsync(reads);
        await second.SendAsync("CT01_33~3~start~103~2026-05-02T08:00:07.00~1~0F2A38~1");
        await box.WaitForReadsAsync(4);
        await box.WaitUntilAsync(s => s.GetProperty("duplicates").GetInt64() == 3, TimeSpan.FromSeconds(10), "3 duplicates");
        Assert.Equal(4, ReadLog(box.DataDir).Count);

        // The new id delivered up to start 3 / finish 1 even though those were duplicates: it resumes from there.
        using var third = await RawClient.ConnectAsync(box.TimingPort);
        lines = await third.HandshakeAsync("bbbb", "start", "finish");
        Assert.Equal(["start~start~4", "start~finish~2"], lines[^2..]);
    }

    [Fact]
    public async Task A_location_that_appears_mid_stream_is_started()
    {
        await using var box = await TestBox.StartAsync();
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync(ConnectionId, "start", "finish");
        await client.SendAsync("CT01_33~2038~5k~newlocation~2026-05-02T08:10:12.00~0~ED932A~0");
        Assert.Equal("start~5k", await client.ReadLineAsync());
        await client.SendAsync("CT01_33~1~5k~101~2026-05-02T08:20:40.10~1~ED932A~1");
        await box.WaitForReadsAsync(1);
        var read = Assert.Single(ReadLog(box.DataDir));
        Assert.Equal(("5k", 1L), (read.Location, read.Sequence));

        // The newlocation line is an announcement, not a read: it moves no resume position.
        client.Dispose();
        using var again = await RawClient.ConnectAsync(box.TimingPort);
        var lines = await again.HandshakeAsync(ConnectionId, "start", "5k", "finish");
        Assert.Equal(["start~start", "start~5k~2", "start~finish"], lines[^3..]);
    }

    [Fact]
    public async Task Comma_lines_with_lf_endings_and_all_time_formats_are_stored()
    {
        var meetDir = TempDir.Create("meet");
        await File.WriteAllTextAsync(Path.Combine(meetDir, "meet.json"), """{ "event": { "name": "x", "date": "2008-10-16", "timeZone": "UTC" } }""");
        await using var box = await TestBox.StartAsync(null, $"--Edge:MeetDir={meetDir}");
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync(ConnectionId, "a", "b", "c", "d");
        await client.SendRawAsync(Encoding.ASCII.GetBytes(
            "CT01_13,1,a,1,14:02:15.31,1,0FA22E,4\n" +
            "CT01_33~1~b~1~2008-10-16T14:02:15.31~0~0F2A38~1\n" +
            "CT01_33~1~c~1~1224165735.31~0~0F2A38~1\r\n" +
            "CT01_33~1~d~1~50535310~0~0F2A38~1\n"));
        await box.WaitForReadsAsync(4);
        var entries = ReadLog(box.DataDir);
        Assert.Equal(["a", "b", "c", "d"], entries.Select(e => e.Location));
        Assert.All(entries, e => Assert.Equal(1224165735310, e.AtMs));
        TempDir.Delete(meetDir);
    }

    [Theory]
    [InlineData("plaintext")]
    [InlineData("hmac-sha1")]
    [InlineData("seed-sha1")]
    [InlineData("hmac-md5")]
    [InlineData("seed-md5")]
    public async Task Authentication_admits_the_right_password(string mode)
    {
        await using var box = await TestBox.StartAsync(null, $"--Timing:Authentication={mode}", "--Timing:User=timer", "--Timing:Password=s3cret");
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.SendAsync("SimpleClient~0.5.0~CTP01");
        var header = await client.ReadLineAsync();
        var requests = await client.ReadLinesAsync(int.Parse(header!.Split('~')[2]));
        Assert.Contains($"authentication={mode}", requests);
        var seed = requests.SingleOrDefault(r => r.StartsWith("authentication-seed=", StringComparison.Ordinal))?.Split('=')[1];
        Assert.Equal(mode != "plaintext", seed is not null);

        await client.SendAsync($"authorize~timer~{Answer(mode, "s3cret", seed)}");
        Assert.Equal(["ack~authorize", "getconnectionid", "geteventinfo", "getlocations"], await client.ReadLinesAsync(4));
    }

    [Fact]
    public async Task A_wrong_password_gets_err_and_is_disconnected_and_counted()
    {
        await using var box = await TestBox.StartAsync(null, "--Timing:Authentication=hmac-sha1", "--Timing:User=timer", "--Timing:Password=s3cret");
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.SendAsync("SimpleClient~0.5.0~CTP01");
        var requests = await client.ReadLinesAsync(9);
        var seed = requests.Single(r => r.StartsWith("authentication-seed=", StringComparison.Ordinal)).Split('=')[1];
        await client.SendAsync($"authorize~timer~{Answer("hmac-sha1", "wrong", seed)}");
        Assert.Equal("err~authorize~invalid credentials", await client.ReadLineAsync());
        Assert.True(await client.WaitClosedAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, await box.RejectedAsync("authenticationFailed"));
    }

    [Fact]
    public async Task Reads_before_authorizing_are_not_stored()
    {
        await using var box = await TestBox.StartAsync(null, "--Timing:Authentication=plaintext", "--Timing:User=timer", "--Timing:Password=s3cret");
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.SendAsync("SimpleClient~0.5.0~CTP01");
        await client.ReadLinesAsync(8);
        await client.SendAsync("CT01_33~1~start~101~2026-05-02T08:00:04.71~1~0F2A38~3");
        Assert.Equal("err~authorize~invalid credentials", await client.ReadLineAsync());
        Assert.True(await client.WaitClosedAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, await box.ReadsAsync());
    }

    [Fact]
    public async Task The_box_pings_and_disconnects_a_client_that_stops_answering()
    {
        await using var box = await TestBox.StartAsync(null, "--Timing:PingInterval=00:00:01");
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync(ConnectionId, "start");
        Assert.Equal("ping", await client.ReadLineAsync());
        await client.SendAsync("ack~ping");
        Assert.Equal("ping", await client.ReadLineAsync());
        await client.SendAsync("ack~ping");
        Assert.Equal("ping", await client.ReadLineAsync());
        // Silence from here on.
        Assert.True(await client.WaitClosedAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, await box.RejectedAsync("pingTimeout"));
        Assert.Empty((await box.StatusAsync()).GetProperty("connections").EnumerateArray());
    }

    [Fact]
    public async Task Pull_mode_asks_each_location_for_data_and_resumes_after_what_it_received()
    {
        await using var box = await TestBox.StartAsync(null, "--Timing:StreamMode=pull", "--Timing:PullBatch=2", "--Timing:PullIdleDelay=00:00:10");
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        var lines = await client.HandshakeAsync(ConnectionId);
        Assert.Contains("stream-mode=pull", lines);
        await client.SendAsync("ack~getlocations~finish~start");
        Assert.Equal("getdata~2~finish~1", await client.ReadLineAsync());
        await client.SendAsync("ack~getdata~2",
            "CT01_33~1~finish~101~2026-05-02T08:41:23.45~1~0FA22E~2",
            "CT01_33~2~finish~102~2026-05-02T08:42:00.00~1~0FA22E~2");
        Assert.Equal("getdata~2~start~1", await client.ReadLineAsync());
        await client.SendAsync("ack~getdata~1", "CT01_33~1~start~101~2026-05-02T08:00:04.71~1~0F2A38~3");
        Assert.Equal("getdata~2~finish~3", await client.ReadLineAsync());
        await client.SendAsync("ack~getdata~0");
        Assert.Equal("getdata~2~start~2", await client.ReadLineAsync());
        await box.WaitForReadsAsync(3);
    }

    [Fact]
    public async Task Unknown_lines_and_client_errors_are_logged_and_counted_without_closing()
    {
        await using var box = await TestBox.StartAsync();
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync(ConnectionId, "start");
        await client.SendAsync("hello there", "err~~unknown command", "CT01_33~x~start~101~08:00:04.71~1~0F2A38~3",
            "CT01_33~1~start~101~2026-05-02T08:00:04.71~1~0F2A38~3");
        await box.WaitForReadsAsync(1);
        Assert.Equal(1, await box.RejectedAsync("unknownLine"));
        Assert.Equal(1, await box.RejectedAsync("badSequence"));
    }

    internal static string Answer(string mode, string password, string? seed)
    {
        var p = Encoding.UTF8.GetBytes(password);
        var s = Encoding.UTF8.GetBytes(seed ?? "");
        return mode switch
        {
            "plaintext" => password,
            "hmac-sha1" => Convert.ToHexString(HMACSHA1.HashData(p, s)),
            "hmac-md5" => Convert.ToHexString(HMACMD5.HashData(p, s)),
            "seed-sha1" => Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(seed + password))),
            "seed-md5" => Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(seed + password))),
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        };
    }

    internal static List<LogEntry> ReadLog(string dataDir)
    {
        using var connection = EdgeDatabase.OpenReader(dataDir);
        using var reader = new LogReader(connection);
        return reader.ReadAfter(0, 1_000_000);
    }
}
