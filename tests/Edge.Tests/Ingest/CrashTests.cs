using Edge.Simulator;
using Edge.Tests.Support;

namespace Edge.Tests.Ingest;

/// <summary>A pulled power cord, five times: the box is SIGKILLed mid-stream and restarted on the same data.</summary>
public class CrashTests
{
    [Fact]
    public async Task Every_read_is_stored_exactly_once_through_five_sigkills_during_100000_reads()
    {
        var dataDir = TempDir.Create("crash");
        using var box = new ProcessBox(dataDir, "--Logging:LogLevel:Default=Warning");
        await box.StartAsync();
        // Two extra reads per mat: some land on the same hundredth with the next lap count, and both are reads.
        var race = GeneratedRace.Generate(new RaceOptions { Participants = 8_334, Locations = ["start", "5k", "10k", "finish"], ExtraReadsPerLocation = 2 });
        var reads = race.Timeline.Count(r => !r.IsGun);
        Assert.Equal(100_008, reads); // 8,334 runners x 4 mats x 3 reads
        var lapTwins = race.Timeline.GroupBy(r => (r.Location, r.Tag, r.Time, r.ReaderId, r.Gator)).Count(g => g.Count() > 1);
        Assert.True(lapTwins > 0, "the race has reads that differ only in lap count");

        await using var client = new Ctp01Client(race, new ClientOptions { Port = box.TimingPort, ReadsPerSecond = 8_000 });
        using var cts = new CancellationTokenSource();
        var run = client.RunAsync(cts.Token);

        var seed = Environment.TickCount;
        var random = new Random(seed);
        var killedAt = new List<long>();
        for (var kill = 0; kill < 5; kill++)
        {
            await Task.Delay(random.Next(300, 1800));
            killedAt.Add((await box.StatusAsync()).GetProperty("reads").GetInt64());
            box.Kill();
            await box.StartAsync();
            // The next kill lands on a streaming connection, however slowly the machine reconnects it.
            var reconnected = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (client.Connections < kill + 2 && DateTime.UtcNow < reconnected)
            {
                await Task.Delay(20);
            }
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        long stored;
        do
        {
            await Task.Delay(200);
            stored = (await box.StatusAsync()).GetProperty("reads").GetInt64();
        }
        while (stored < reads && DateTime.UtcNow < deadline);

        await cts.CancelAsync();
        await run;
        var log = ConversationTests.ReadLog(dataDir);
        var detail = $"seed {seed}, killed at {string.Join(", ", killedAt)} stored reads, {client.Connections} connections";
        Assert.True(reads == stored, $"{stored} of {reads} reads stored; {detail}");
        Assert.True(client.Connections >= 6, detail);
        Assert.True(killedAt.Count(k => k > 0 && k < reads) >= 3, $"kills should land mid-stream; {detail}");
        Assert.Equal(race.TotalReads, log.Count);
        Assert.Equal(
            race.Timeline.Select(r => (r.Location, (long)r.Sequence, r.Tag)).Order(),
            log.Select(e => (e.Location, e.Sequence, e.Tag)).Order());
        Assert.Equal(log.Count, log.Select(e => e.Id).Distinct().Count());

        // The box's accounting reconciles with what the controller sent: every sequence number is stored once.
        var reconciliation = (await box.StatusAsync()).GetProperty("reconciliation").EnumerateArray().ToList();
        foreach (var location in race.Options.Locations)
        {
            var rows = reconciliation.Where(r => r.GetProperty("location").GetString() == location).ToList();
            Assert.Equal(race.ReadsAt(location).Count, rows.Sum(r => r.GetProperty("stored").GetInt64()));
            Assert.All(rows, r => Assert.Equal(0, r.GetProperty("missing").GetInt64()));
        }

        TempDir.Delete(dataDir);
    }

    [Fact]
    public async Task Sigterm_with_a_controller_connected_stops_promptly_and_keeps_every_read()
    {
        var dataDir = TempDir.Create("sigterm");
        try
        {
            using (var box = new ProcessBox(dataDir, "--Logging:LogLevel:Default=Warning"))
            {
                await box.StartAsync();
                using var client = await RawClient.ConnectAsync(box.TimingPort);
                await client.HandshakeAsync("sigterm-source", "finish");
                await client.SendAsync([.. Enumerable.Range(1, 200).Select(i => $"CT01_33~{i}~finish~{i}~08:{i / 60:00}:{i % 60:00}.00~1~0F2A38~1")]);
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while ((await box.StatusAsync()).GetProperty("reads").GetInt64() < 200 && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50);
                }

                // The controller stays connected: the box must not wait for it to hang up (Kestrel would wait 30 s).
                var (elapsed, exitCode) = box.Terminate(TimeSpan.FromSeconds(60));
                Assert.Equal(0, exitCode);
                Assert.True(elapsed < TimeSpan.FromSeconds(15), $"SIGTERM to exit took {elapsed.TotalSeconds:F1} s");
            }

            using var again = new ProcessBox(dataDir, "--Logging:LogLevel:Default=Warning");
            await again.StartAsync();
            Assert.Equal(200, (await again.StatusAsync()).GetProperty("reads").GetInt64());
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }
}
