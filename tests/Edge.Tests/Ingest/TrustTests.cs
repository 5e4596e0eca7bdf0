using System.Net;
using System.Text.Json;
using Edge.Appliance.Store;
using Edge.Tests.Support;
using static Edge.Tests.Support.StoreRows;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Tests.Ingest;

/// <summary>What a timer relies on at 6 a.m.: garbled lines never break pages, counts reconcile, a failing store says so.</summary>
public class TrustTests
{
    private const string ConnectionId = "trust-0001";

    private static JsonElement Reconciliation(JsonElement status, string location) =>
        status.GetProperty("reconciliation").EnumerateArray().Single(r => r.GetProperty("location").GetString() == location);

    [Fact]
    public async Task A_garbled_time_is_refused_with_its_reason_and_every_page_keeps_answering_after_a_restart()
    {
        var dataDir = TempDir.Create("garbled");
        using var meet = TestMeet.Standard();
        await using (var box = await TestBox.StartAsync(dataDir, meet.Setting, "--Timing:TimeFormat=unix"))
        {
            using var client = await RawClient.ConnectAsync(box.TimingPort);
            await client.HandshakeAsync(ConnectionId, "finish");
            await client.SendAsync(
                "CT01_33~1~finish~100~999999999999~1~0F2A38~1",           // unix seconds far past any calendar
                "CT01_33~2~finish~101~9999-12-31T00:00:00.00Z~1~0F2A38~1", // a roster tag, year 9999
                "CT01_33~3~finish~102~1777737600.25~1~0F2A38~1");          // a good read
            await box.WaitForReadsAsync(1);
            await box.WaitUntilAsync(s => Reconciliation(s, "finish").GetProperty("received").GetInt64() == 3, TimeSpan.FromSeconds(10), "3 lines tallied");
            Assert.Equal(1, await box.RejectedAsync("badTime"));
            Assert.Equal(1, await box.RejectedAsync("timeOutOfRange"));
        }

        await using (var box = await TestBox.StartAsync(dataDir, meet.Setting))
        {
            foreach (var page in new[] { "/api/unknown-tags", "/", "/races/10k", "/participants/101", "/participants/102", "/api/races/10k/results", "/finishers" })
            {
                using var response = await box.Http.GetAsync(page);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page}: {response.StatusCode}");
            }

            // Kept durably: the counts a timer compares with SimpleClient's survive the restart.
            var finish = Reconciliation(await box.StatusAsync(), "finish");
            Assert.Equal(ConnectionId, finish.GetProperty("source").GetString());
            Assert.Equal(3, finish.GetProperty("lastSequence").GetInt64());
            Assert.Equal(1, finish.GetProperty("stored").GetInt64());
            Assert.Equal(1, finish.GetProperty("rejected").GetProperty("badTime").GetInt64());
            Assert.Equal(1, finish.GetProperty("rejected").GetProperty("timeOutOfRange").GetInt64());
            Assert.Equal(0, finish.GetProperty("missing").GetInt64());
        }

        TempDir.Delete(dataDir);
    }

    [Fact]
    public async Task Pull_mode_counts_refused_lines_and_asks_again_when_an_answer_falls_short()
    {
        await using var box = await TestBox.StartAsync(null, "--Timing:StreamMode=pull", "--Timing:PullBatch=3",
            "--Timing:PullIdleDelay=00:00:30", "--Timing:PullTimeout=00:00:05");
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync(ConnectionId);
        await client.SendAsync("ack~getlocations~finish");
        Assert.Equal("getdata~3~finish~1", await client.ReadLineAsync());
        // One line of the three is garbled: the batch is still complete.
        await client.SendAsync("ack~getdata~3",
            "CT01_33~1~finish~101~2026-05-02T08:41:23.45~1~0FA22E~2",
            "CT01_33~2~finish~102~garbled~1~0FA22E~2",
            "CT01_33~3~finish~103~2026-05-02T08:42:00.00~1~0FA22E~2");
        // Complete: the next ask comes at once, well before the pull timeout.
        Assert.Equal("getdata~3~finish~4", await client.ReadLineAsync(TimeSpan.FromSeconds(4)));
        // Three announced, one sent: after the pull timeout the box asks again from where it got to.
        await client.SendAsync("ack~getdata~3", "CT01_33~4~finish~104~2026-05-02T08:43:00.00~1~0FA22E~2");
        Assert.Equal("getdata~3~finish~5", await client.ReadLineAsync(TimeSpan.FromSeconds(20)));
        await box.WaitForReadsAsync(3);
        var finish = Reconciliation(await box.StatusAsync(), "finish");
        Assert.Equal((4L, 3L, 0L), (finish.GetProperty("received").GetInt64(), finish.GetProperty("stored").GetInt64(), finish.GetProperty("missing").GetInt64()));
    }

    [Fact]
    public async Task A_connection_lists_every_location_it_streams()
    {
        await using var box = await TestBox.StartAsync();
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync(ConnectionId, "start");
        await client.SendAsync("CT01_33~1~finish~101~2026-05-02T08:41:23.45~1~0FA22E~2");
        await box.WaitForReadsAsync(1);
        var connection = Assert.Single((await box.StatusAsync()).GetProperty("connections").EnumerateArray());
        Assert.Equal(["start", "finish"], connection.GetProperty("locations").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public async Task A_client_outside_the_allowed_networks_cannot_open_the_timing_port()
    {
        await using var box = await TestBox.StartAsync(null, "--Timing:AllowedNetworks=127.0.0.1/32");
        using (var stranger = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
        {
            stranger.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
            await stranger.ConnectAsync(IPAddress.Loopback, box.TimingPort);
            await stranger.SendAsync("SimpleClient~0.5.0~CTP01\r\nCT01_33~1~finish~101~2026-05-02T08:41:23.45Z~1~0FA22E~2\r\n"u8.ToArray());
            var buffer = new byte[256];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            // The box says nothing and closes: the read ends with 0 bytes (or a reset).
            var read = await ReadOrResetAsync(stranger, buffer, timeout.Token);
            Assert.Equal(0, read);
        }

        Assert.Equal(1, await box.RejectedAsync("networkNotAllowed"));
        using var timer = await RawClient.ConnectAsync(box.TimingPort);
        await timer.HandshakeAsync(ConnectionId, "finish");
        await timer.SendAsync("CT01_33~1~finish~102~2026-05-02T08:41:24.45Z~1~0FA22E~2");
        await box.WaitForReadsAsync(1);
        Assert.Equal(1, await box.ReadsAsync());
    }

    private static async Task<int> ReadOrResetAsync(System.Net.Sockets.Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await socket.ReceiveAsync(buffer, cancellationToken);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return 0;
        }
    }

    [Fact]
    public async Task Reads_inventing_locations_are_capped_per_connection()
    {
        await using var box = await TestBox.StartAsync(null, "--Timing:MaxLocationsPerConnection=2");
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync(ConnectionId, "start");
        await client.SendAsync(
            "CT01_33~1~finish~101~2026-05-02T08:41:23.45Z~1~0FA22E~2",
            "CT01_33~1~x1~101~2026-05-02T08:41:23.45Z~1~0FA22E~2",
            "CT01_33~1~x2~101~2026-05-02T08:41:23.45Z~1~0FA22E~2",
            "CT01_33~2~finish~102~2026-05-02T08:41:24.45Z~1~0FA22E~2");
        await box.WaitForReadsAsync(2);
        await box.WaitUntilAsync(s => s.GetProperty("rejected").TryGetProperty("tooManyLocations", out var n) && n.GetInt64() == 2, TimeSpan.FromSeconds(10), "2 refused");
        var status = await box.StatusAsync();
        Assert.DoesNotContain(status.GetProperty("reconciliation").EnumerateArray(), r => r.GetProperty("location").GetString() is "x1" or "x2");
    }

    [Fact]
    public async Task A_full_disk_is_retried_and_reported_until_it_clears_and_then_every_read_is_stored()
    {
        await using var box = await TestBox.StartAsync();
        box.ExpectedErrors.Add("retrying until it succeeds");
        var store = box.Services.GetRequiredService<ReadStore>();
        // SQLite's own "disk full": the file may not grow past the pages it has.
        await store.OnWriterAsync(c => Exec(c, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA max_page_count = 1;"), CancellationToken.None);
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync(ConnectionId, "finish");
        await client.SendAsync([.. Enumerable.Range(1, 300).Select(i => $"CT01_33~{i}~finish~{i}~2026-05-02T08:41:{i % 60:00}.{i % 100:00}~1~0FA22E~2")]);
        await WaitForHealthAsync(box, h => h.Contains("retrying", StringComparison.Ordinal) && h.Contains("full", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("retrying", (await box.StatusAsync()).GetProperty("store").GetProperty("state").GetString());

        await RaisePageLimitAsync(box);
        await box.WaitForReadsAsync(300);
        Assert.Equal("ok\n", await box.Http.GetStringAsync("/healthz"));
    }

    [Fact]
    public async Task A_store_that_cannot_be_written_fails_for_good_says_so_and_closes_connections()
    {
        await using var box = await TestBox.StartAsync();
        box.ExpectedErrors.Add("failed for good");
        var store = box.Services.GetRequiredService<ReadStore>();
        // Writes refused the way a read-only file refuses them (SQLITE_READONLY): retrying cannot help.
        await store.OnWriterAsync(c => Exec(c, "PRAGMA query_only = 1;"), CancellationToken.None);
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.SendAsync("SimpleClient~0.5.0~CTP01", $"ack~getconnectionid~{ConnectionId}",
            "CT01_33~1~finish~101~2026-05-02T08:41:23.45~1~0FA22E~2");
        await WaitForHealthAsync(box, h => h.Contains("store failed", StringComparison.Ordinal));
        Assert.True(await client.WaitClosedAsync(TimeSpan.FromSeconds(10)), "the connection closes so the middleware keeps the reads");
        Assert.Equal("failed", (await box.StatusAsync()).GetProperty("store").GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_batch_of_reads_that_fails_for_good_stops_the_store_so_no_later_commit_skips_it()
    {
        await using var box = await TestBox.StartAsync();
        box.ExpectedErrors.Add("failed for good");
        var store = box.Services.GetRequiredService<ReadStore>();
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync(ConnectionId, "finish"); // the source is open before the failure
        await store.OnWriterAsync(c => Exec(c, "PRAGMA query_only = 1;"), CancellationToken.None);
        await client.SendAsync([.. Enumerable.Range(1, 5).Select(i => $"CT01_33~{i}~finish~{i}~2026-05-02T08:41:0{i}.00Z~1~0FA22E~2")]);
        await WaitForHealthAsync(box, h => h.Contains("store failed", StringComparison.Ordinal));
        Assert.True(await client.WaitClosedAsync(TimeSpan.FromSeconds(10)), "the connection closes so the middleware keeps the reads");

        // Even if the file could be written again, nothing after the lost batch is committed: a later commit would
        // move the source's position past reads that were never stored, and they would never be resent.
        Exec(store.WriterConnection!, "PRAGMA query_only = 0;");
        using var again = await RawClient.ConnectAsync(box.TimingPort);
        await again.SendAsync("SimpleClient~0.5.0~CTP01", $"ack~getconnectionid~{ConnectionId}", "CT01_33~6~finish~6~2026-05-02T08:41:06.00Z~1~0FA22E~2");
        Assert.True(await again.WaitClosedAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(StoreState.Failed, store.Health.State);
        Assert.Equal(0, store.Reads);
    }

    [Fact]
    public async Task Shutdown_while_a_commit_is_being_retried_ends_promptly()
    {
        var box = await TestBox.StartAsync();
        box.ExpectedErrors.Add("retrying until it succeeds");
        box.ExpectedErrors.Add("failed for good");
        var store = box.Services.GetRequiredService<ReadStore>();
        await store.OnWriterAsync(c => Exec(c, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA max_page_count = 1;"), CancellationToken.None);
        using var client = await RawClient.ConnectAsync(box.TimingPort);
        await client.HandshakeAsync(ConnectionId, "finish");
        await client.SendAsync([.. Enumerable.Range(1, 300).Select(i => $"CT01_33~{i}~finish~{i}~2026-05-02T08:41:{i % 60:00}.{i % 100:00}~1~0FA22E~2")]);
        await WaitForHealthAsync(box, h => h.Contains("retrying", StringComparison.Ordinal));
        var stop = box.DisposeAsync().AsTask();
        Assert.True(await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(20))) == stop, "the box did not stop while its writer was retrying");
        await stop;
        Assert.Equal(StoreState.Closed, store.Health.State);
    }

    private static async Task RaisePageLimitAsync(TestBox box)
    {
        // The page limit belongs to the writer's connection, and the writer is busy retrying: lift it from here
        // (SQLite serialises calls on one connection), as freeing space on a full card would.
        Exec(box.Services.GetRequiredService<ReadStore>().WriterConnection!, "PRAGMA max_page_count = 1073741823;");
        await Task.CompletedTask;
    }

    private static async Task WaitForHealthAsync(TestBox box, Func<string, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        string text;
        do
        {
            using var response = await box.Http.GetAsync("/healthz");
            text = await response.Content.ReadAsStringAsync();
            if (condition(text))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                return;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"healthz never matched; last: {text}");
    }

}
