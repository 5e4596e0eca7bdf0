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
        var race = GeneratedRace.Generate(new RaceOptions { Participants = 25_000, Locations = ["start", "5k", "10k", "finish"] });
        var reads = race.Timeline.Count(r => !r.IsGun);
        Assert.Equal(100_000, reads);

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
        TempDir.Delete(dataDir);
    }
}
