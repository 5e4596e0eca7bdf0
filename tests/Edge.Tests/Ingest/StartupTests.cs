using Edge.Tests.Support;

namespace Edge.Tests.Ingest;

/// <summary>The box as a timer starts it: its log says what each port serves, and no meet folder keeps it from listening.</summary>
public class StartupTests
{
    [Fact]
    public async Task The_log_names_the_timing_port_as_ctp01_and_says_how_long_the_start_took()
    {
        var dataDir = TempDir.Create("startup-log");
        using (var box = new ProcessBox(dataDir))
        {
            var healthy = await box.StartAsync();
            Poll(() => box.Printed($"timing listener (CTP01) accepting on 127.0.0.1:{box.TimingPort}"), box);
            Assert.True(box.Printed($"Web pages on http://127.0.0.1:{box.HttpPort}"), box.Output);
            Assert.False(box.Printed($"http://127.0.0.1:{box.TimingPort}"), box.Output);

            // How long the start took, as the log and /api/status say: within what the test saw from outside.
            var took = (await box.StatusAsync()).GetProperty("process").GetProperty("startedInMs").GetInt64();
            Assert.InRange(took, 1, (long)healthy.TotalMilliseconds + 1000);
            Assert.True(box.Printed($"Accepting reads and serving pages {took} ms after the process started"), box.Output);
        }

        TempDir.Delete(dataDir);
    }

    [Fact]
    public async Task A_meet_folder_with_an_unknown_time_zone_does_not_stop_the_process()
    {
        var dataDir = TempDir.Create("startup-pst");
        using var meet = TestMeet.Create(TestMeet.StandardJson().Replace("\"timeZone\": \"UTC\"", "\"timeZone\": \"PST\"", StringComparison.Ordinal), TestMeet.SmallRoster);
        using (var box = new ProcessBox(dataDir, meet.Setting))
        {
            await box.StartAsync(); // healthy: store open, listener accepting
            using var client = await RawClient.ConnectAsync(box.TimingPort);
            await client.HandshakeAsync("pst-1", "finish");
            await client.SendAsync("CT01_33~1~finish~101~2026-05-02T08:41:23.45Z~1~0FA22E~2");
            Poll(() => box.StatusAsync().GetAwaiter().GetResult().GetProperty("reads").GetInt64() == 1, box);
            var error = (await box.StatusAsync()).GetProperty("meet").GetProperty("error").GetString();
            Assert.Contains("PST", error, StringComparison.Ordinal);
        }

        TempDir.Delete(dataDir);
    }

    private static void Poll(Func<bool> condition, ProcessBox box)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, box.Output);
            Thread.Sleep(50);
        }
    }
}
