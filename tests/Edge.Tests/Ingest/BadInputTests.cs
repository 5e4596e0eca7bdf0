using System.Net.Sockets;
using System.Text;
using Edge.Tests.Support;

namespace Edge.Tests.Ingest;

/// <summary>
/// Hostile and broken clients against the real appliance process: the listener stays up, other clients are
/// unaffected, memory stays bounded, nothing stored is lost, and every rejection is counted with its reason.
/// </summary>
public class BadInputTests : IAsyncLifetime
{
    private readonly string _dataDir = TempDir.Create("bad");
    private ProcessBox _box = null!;

    public async Task InitializeAsync()
    {
        _box = new ProcessBox(_dataDir, "--Timing:GreetingTimeout=00:00:02", "--Timing:PingInterval=00:01:00");
        await _box.StartAsync();
    }

    public Task DisposeAsync()
    {
        _box.Dispose();
        TempDir.Delete(_dataDir);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Hostile_inputs_are_contained_while_a_good_client_keeps_storing()
    {
        // A good client stores a first read before the attack starts.
        using var good = await RawClient.ConnectAsync(_box.TimingPort);
        await good.HandshakeAsync("good", "finish");
        await good.SendAsync(GoodRead(1));
        await WaitForReadsAsync(1);
        var baseline = _box.ResidentBytes();

        // 1,000 idle connections that never greet.
        var idle = new List<TcpClient>();
        for (var i = 0; i < 1000; i++)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", _box.TimingPort);
            idle.Add(tcp);
        }

        // A 1 MiB line with no newline, after a proper greeting.
        using var huge = await RawClient.ConnectAsync(_box.TimingPort);
        await huge.HandshakeAsync("huge", "finish");
        var hugeSend = huge.SendRawAsync(Enumerable.Repeat((byte)'A', 1 << 20).ToArray());

        // Binary garbage straight away, instead of a greeting.
        using var garbage = await RawClient.ConnectAsync(_box.TimingPort);
        var noise = new byte[64 * 1024];
        new Random(7).NextBytes(noise);
        await garbage.SendRawAsync(noise);

        // Binary garbage lines and invalid UTF-8 after a proper greeting, then a good read on the same connection.
        using var mixed = await RawClient.ConnectAsync(_box.TimingPort);
        await mixed.HandshakeAsync("mixed", "finish");
        var invalid = Encoding.ASCII.GetBytes("CT01_33~9~finish~9~2026-05-02T08:41:00.00~1~0FA22E~2\r\n");
        invalid[17] = 0xFE;
        await mixed.SendRawAsync([.. noise.Select(b => b == (byte)'\n' ? (byte)'x' : b).Take(2000), (byte)'\n', .. invalid]);
        await mixed.SendAsync("CT01_33~1~finish~777~2026-05-02T08:50:00.00~1~0FA22E~2");

        // A client that greets, streams, and never reads a byte the box sends.
        var deaf = new TcpClient { ReceiveBufferSize = 1024 };
        await deaf.ConnectAsync("127.0.0.1", _box.TimingPort);
        var deafStream = deaf.GetStream();
        await deafStream.WriteAsync(Encoding.ASCII.GetBytes("SimpleClient~0.5.0~CTP01\r\nack~getconnectionid~deaf\r\nack~getlocations~finish\r\n"));

        // Meanwhile the good client goes on, and reads keep landing.
        for (var i = 2; i <= 200; i++)
        {
            await good.SendAsync(GoodRead(i));
            if (i % 20 == 0)
            {
                await deafStream.WriteAsync(Encoding.ASCII.GetBytes($"CT01_33~{i}~finish~{5000 + i}~2026-05-02T09:00:{i % 60:00}.00~1~0FA22E~3\r\n"));
                await Task.Delay(20);
            }
        }

        await WaitForReadsAsync(200 + 1 + 10);
        Assert.True(await huge.WaitClosedAsync(TimeSpan.FromSeconds(10)), "the 1 MiB line closes its connection");
        await hugeSend.ContinueWith(_ => { }); // the box may close before all of it was sent
        Assert.True(await garbage.WaitClosedAsync(TimeSpan.FromSeconds(10)), "garbage instead of a greeting closes the connection");

        var rss = _box.ResidentBytes();
        Assert.True(rss < 150L * 1024 * 1024, $"resident {rss / 1048576} MiB with 1,000 idle connections (baseline {baseline / 1048576} MiB)");

        // The idle ones are closed once the greeting timeout passes, and counted.
        await WaitUntilAsync(s => s.GetProperty("rejected").TryGetProperty("noGreeting", out var n) && n.GetInt64() >= 1000, "idle connections closed");
        var status = await _box.StatusAsync();
        var rejected = status.GetProperty("rejected");
        long Count(string reason) => rejected.TryGetProperty(reason, out var n) ? n.GetInt64() : 0;
        Assert.Equal(1, Count("lineTooLong"));
        Assert.Equal(1, Count("badGreeting"));
        // The garbage line and the invalid UTF-8 read line on the greeted connection.
        Assert.Equal(2, Count("invalidUtf8") + Count("controlCharacter"));
        var connections = status.GetProperty("connections").EnumerateArray().Select(c => c.GetProperty("connectionId").GetString()).ToList();
        Assert.Contains("good", connections);

        // Nothing stored was lost, and each rejection was logged with its reason.
        Assert.Equal(211, status.GetProperty("reads").GetInt64());
        Assert.Equal(211, ConversationTests.ReadLog(_dataDir).Count);
        Assert.True(_box.Printed("(lineTooLong)"), "lineTooLong logged");
        Assert.True(_box.Printed("(noGreeting)"), "noGreeting logged");
        Assert.True(_box.Printed("(invalidUtf8)"), "invalidUtf8 logged");

        foreach (var tcp in idle)
        {
            tcp.Dispose();
        }

        deaf.Dispose();
    }

    [Fact]
    public async Task A_client_that_never_greets_is_closed_and_counted()
    {
        using var silent = await RawClient.ConnectAsync(_box.TimingPort);
        Assert.True(await silent.WaitClosedAsync(TimeSpan.FromSeconds(10)));
        var status = await _box.StatusAsync();
        Assert.Equal(1, status.GetProperty("rejected").GetProperty("noGreeting").GetInt64());
    }

    [Fact]
    public async Task A_client_inventing_locations_is_capped()
    {
        using var client = await RawClient.ConnectAsync(_box.TimingPort);
        await client.HandshakeAsync("inventor", "start");
        var lines = Enumerable.Range(0, 400).Select(i => $"CT01_33~1~loc{i}~newlocation~2026-05-02T08:10:12.00~0~ED932A~0").ToArray();
        await client.SendAsync(lines);
        await WaitUntilAsync(s => s.GetProperty("rejected").TryGetProperty("tooManyLocations", out var n) && n.GetInt64() == 400 - 255, "location cap");
    }

    private static string GoodRead(int i) => $"CT01_33~{i}~finish~{i}~2026-05-02T08:{i / 60 % 60:00}:{i % 60:00}.00~1~0FA22E~2";

    private Task WaitForReadsAsync(long reads) =>
        WaitUntilAsync(s => s.GetProperty("reads").GetInt64() >= reads, $"{reads} reads");

    private async Task WaitUntilAsync(Func<System.Text.Json.JsonElement, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        System.Text.Json.JsonElement status = default;
        while (DateTime.UtcNow < deadline)
        {
            status = await _box.StatusAsync();
            if (condition(status))
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"timed out waiting for {what}; status {status}\n{_box.Output}");
    }
}
